package spec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bsskit/bsskit/spec"
)

func TestDecodeXML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, root string
		want             map[string]any
		wantErr          bool
	}{
		{name: "error body", body: `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>r</RequestId><HostId>h</HostId><Code>C</Code><Message> m </Message><Recommend><![CDATA[u&v]]></Recommend></Error>`,
			root: "Error", want: map[string]any{"RequestId": "r", "HostId": "h", "Code": "C", "Message": "m", "Recommend": "u&v"}},
		{name: "nested, leaves stay strings", body: `<CreateInstanceResponse><Success>true</Success><Data><OrderId>12</OrderId></Data></CreateInstanceResponse>`,
			root: "CreateInstanceResponse", want: map[string]any{"Success": "true", "Data": map[string]any{"OrderId": "12"}}},
		{name: "empty root", body: `<Error/>`, root: "Error", want: map[string]any{}},
		{name: "repeated element: a list", body: `<R><Data><InstanceList><InstanceID>a</InstanceID></InstanceList><InstanceList><InstanceID>b</InstanceID></InstanceList><TotalCount>2</TotalCount></Data></R>`,
			root: "R", want: map[string]any{"Data": map[string]any{"InstanceList": []any{map[string]any{"InstanceID": "a"}, map[string]any{"InstanceID": "b"}}, "TotalCount": "2"}}},
		{name: "cut short", body: `<Error><Code>A</Code>`, root: "Error", wantErr: true},
		{name: "no root", body: `not xml`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root, got, err := spec.DecodeXML([]byte(tc.body))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if root != tc.root {
				t.Errorf("root = %q, want %q", root, tc.root)
			}
			if !tc.wantErr {
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("content (-want +got):\n%s", d)
				}
			}
		})
	}
}
