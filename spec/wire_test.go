package spec_test

import (
	"testing"

	"github.com/bsskit/bsskit/spec"
)

func TestResponseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, format, accept string
		want                 spec.Format
	}{
		{"json upper", "JSON", "", spec.FormatJSON},
		{"json lower (darabonba V1, Terraform)", "json", "text/xml", spec.FormatJSON},
		{"xml", "XML", "application/json", spec.FormatXML},
		{"xml mixed case", "xMl", "", spec.FormatXML},
		{"absent, Accept json (darabonba V3)", "", "application/json", spec.FormatJSON},
		{"absent, Accept json upper", "", "APPLICATION/JSON", spec.FormatJSON},
		{"absent, no Accept", "", "", spec.FormatXML},
		{"absent, Accept */*", "", "*/*", spec.FormatXML},
		{"invalid value decides as absent", "yaml", "application/json", spec.FormatJSON},
		{"invalid value, no Accept", "yaml", "", spec.FormatXML},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := spec.ResponseFormat(tc.format, tc.accept); got != tc.want {
				t.Errorf("ResponseFormat(%q, %q) = %v, want %v", tc.format, tc.accept, got, tc.want)
			}
		})
	}
}

func TestFormatWireFacts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f                        spec.Format
		name, media, contentType string
	}{
		{spec.FormatJSON, "JSON", "application/json", "application/json;charset=utf-8"},
		{spec.FormatXML, "XML", "text/xml", "text/xml;charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.f.String(); got != tc.name {
				t.Errorf("String() = %q, want %q", got, tc.name)
			}
			if got := tc.f.MediaType(); got != tc.media {
				t.Errorf("MediaType() = %q, want %q", got, tc.media)
			}
			if got := tc.f.ContentType(); got != tc.contentType {
				t.Errorf("ContentType() = %q, want %q", got, tc.contentType)
			}
		})
	}
}

func BenchmarkResponseFormat(b *testing.B) {
	for b.Loop() {
		spec.ResponseFormat("", "application/json")
	}
}
