package contract

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTimeChecks: every non-empty time field of a read answer, JSON or XML, at any depth, is
// YYYY-MM-DDThh:mm:ssZ, and a subscription instance ends after it is created.
func TestTimeChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       []string // substrings of the findings, in order
	}{
		{"good", `{"Data":{"InstanceList":[{"InstanceID":"i-1","SubscriptionType":"Subscription","CreateTime":"2026-11-30T05:00:00Z","EndTime":"2027-11-30T05:00:00Z","StopTime":""}]}}`, nil},
		{"pay-as-you-go without end", `{"Data":{"InstanceList":[{"InstanceID":"i-1","SubscriptionType":"PayAsYouGo","CreateTime":"2026-11-30T05:00:00Z","EndTime":""}]}}`, nil},
		{"no T and Z", `{"Data":{"InstanceList":[{"InstanceID":"i-1","SubscriptionType":"PayAsYouGo","CreateTime":"2026-11-30T05:00:00Z","EndTime":"2027-08-04 16:00:00"}]}}`,
			[]string{`.Data.InstanceList[0].EndTime is "2027-08-04 16:00:00"`}},
		{"fractions", `{"Data":{"OrderList":{"Order":[{"PaymentTime":"2026-11-30T05:00:00.5Z","UsageEndTime":"2026-11-30T05:00:00+08:00"}]}}}`,
			[]string{"PaymentTime", "UsageEndTime"}},
		{"impossible date", `{"Data":{"OrderList":{"Order":[{"CreateTime":"2026-02-30T05:00:00Z"}]}}}`, []string{"CreateTime"}},
		{"subscription ends when created", `{"Data":{"InstanceList":[{"InstanceID":"i-1","SubscriptionType":"Subscription","CreateTime":"2026-11-30T05:00:00Z","EndTime":"2026-11-30T05:00:00Z"}]}}`,
			[]string{"want an EndTime after its CreateTime"}},
		{"subscription without end", `{"Data":{"InstanceList":[{"InstanceID":"i-1","SubscriptionType":"Subscription","CreateTime":"2026-11-30T05:00:00Z"}]}}`,
			[]string{"want an EndTime after its CreateTime"}},
		{"xml", `<QueryAvailableInstancesResponse><Data><InstanceList><InstanceID>i-1</InstanceID><SubscriptionType>PayAsYouGo</SubscriptionType><CreateTime>2026/11/30</CreateTime></InstanceList></Data></QueryAvailableInstancesResponse>`,
			[]string{`CreateTime is "2026/11/30"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := decodeAnswer([]byte(tc.body))
			assert.NoError(t, a.err)
			got := timeChecks(a)
			assert.Len(t, got, len(tc.want), "%v", got)
			for i, w := range tc.want {
				if i < len(got) {
					assert.Equal(t, CheckReadTime, got[i].check)
					assert.Contains(t, got[i].msg, w)
				}
			}
		})
	}
}

// TestOpenedInstance: the instance ID of an opened code's Message is what follows its last ": ".
func TestOpenedInstance(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]string{
		"The service has been opened already: vipcloudfw-cn-abc": "vipcloudfw-cn-abc",
		"The account already has an effective suit: sas-cn-1 ":   "sas-cn-1",
		"The service has been opened already":                    "",
		"prefix: with: colons: i-9":                              "i-9",
	} {
		assert.Equal(t, want, openedInstance(msg), msg)
	}
}
