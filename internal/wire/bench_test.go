package wire

import (
	"testing"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/spec"
)

// BenchmarkAppend measures the hot-path encoders, into a reused buffer as the fake calls them:
// they must stay allocation-free.
func BenchmarkAppend(b *testing.B) {
	const id = "6000EE23-274B-4E07-A697-FF2E999520A4"
	for _, f := range []spec.Format{spec.FormatJSON, spec.FormatXML} {
		b.Run("body=success/format="+f.String(), func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 1024)
			for b.Loop() {
				buf = AppendSuccess(buf[:0], f, &generated.CreateInstanceResponse{RequestId: id, Success: true, Code: "Success",
					Message: "Successful!", Data: generated.CreateInstanceData{OrderId: "214567890120123", InstanceId: "rtc-cn-8d3a1f2b9c01"}})
			}
		})
		b.Run("body=error/format="+f.String(), func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 1024)
			for b.Loop() {
				buf = AppendFailure(buf[:0], f, &generated.ErrorResponse{RequestId: id, HostId: "business.aliyuncs.com", Code: "InvalidParameter",
					Message: "The specified parameter SubscriptionType is not valid.", Recommend: Recommend("InvalidParameter", id)})
			}
		})
	}
}

// TestAppendAllocs: encoding into a buffer with room allocates nothing.
func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 1024)
	s := &generated.CreateInstanceResponse{RequestId: "r<&", Success: true, Code: "Success", Message: "m\r\n\x00",
		Data: generated.CreateInstanceData{OrderId: "1", InstanceId: "i"}}
	e := &generated.ErrorResponse{RequestId: "r", HostId: "h", Code: "c", Message: "\xff]]>", Recommend: "u]]>"}
	for _, f := range []spec.Format{spec.FormatJSON, spec.FormatXML} {
		if n := testing.AllocsPerRun(100, func() {
			buf = AppendSuccess(buf[:0], f, s)
			buf = AppendFailure(buf[:0], f, e)
		}); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", f, n)
		}
	}
}
