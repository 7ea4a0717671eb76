package file

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"reflect"
	"testing"

	"github.com/bsskit/bsskit/fake/internal/store"
)

// FuzzStateFile: the state file parser never panics; what it loads is what a re-encoding loads.
// With sign set, each line of data is taken as a record and given its checksum first, so the fuzzer
// gets past the CRC to the JSON, sequence and record checks.
func FuzzStateFile(f *testing.F) {
	hdr, _ := encodeLine(&stateRecord{Seq: 1, Op: "header", Format: stateFormat})
	o1, _ := encodeLine(&stateRecord{Seq: 2, Op: "order", Order: &store.Record{OrderID: "2001", InstanceID: "rtc-cn-x", ClientToken: "t", Parameters: []store.Param{{N: 1, Code: "a", Value: "b"}}}})
	f.Add(append(append([]byte(nil), hdr...), o1...), false, false)
	f.Add(append(append([]byte(nil), hdr...), o1[:20]...), true, false)
	f.Add([]byte("00000000 {}\n"), false, false)
	f.Add([]byte("zzzzzzzz {\"seq\":1}\n\n"), true, false)
	f.Add([]byte(`{"seq":1,"op":"header","format":"bsskit-state/1"}`+"\n"+`{"seq":2,"op":"order","order":{"orderId":"1","parameters":[{"n":1}],"createdAt":"2026-01-01T00:00:00Z"}}`+"\n"), false, true)
	f.Add([]byte(`{"seq":1,"op":"header","format":"bsskit-state/1"}`+"\n"+`{"seq":3,"op":"order","order":{"orderId":""}}`), true, true)
	f.Fuzz(func(t *testing.T, data []byte, repair, sign bool) {
		if sign {
			var signed []byte
			for i, line := range bytes.Split(data, []byte("\n")) {
				if i > 0 {
					signed = append(signed, '\n')
				}
				signed = fmt.Appendf(signed, "%08x ", crc32.ChecksumIEEE(line))
				signed = append(signed, line...)
			}
			data = signed
		}
		orders, good, err := parseState("fuzz", data, repair)
		if err != nil {
			return
		}
		if good > len(data) || (!repair && good != len(data)) {
			t.Fatalf("good prefix %d of %d bytes (repair %v)", good, len(data), repair)
		}
		var re []byte
		re = append(re, hdr...)
		for i := range orders {
			line, err := encodeLine(&stateRecord{Seq: uint64(i + 2), Op: "order", Order: &orders[i]})
			if err != nil {
				t.Fatal(err)
			}
			re = append(re, line...)
		}
		again, _, err := parseState("fuzz", re, false)
		if err != nil {
			t.Fatalf("re-encoded state does not load: %v", err)
		}
		if !reflect.DeepEqual(normOrders(orders), normOrders(again)) {
			t.Fatalf("round trip changed the orders")
		}
	})
}

func normOrders(os []store.Record) []store.Record {
	out := make([]store.Record, len(os))
	for i, o := range os {
		o.CreatedAt = o.CreatedAt.UTC().Round(0)
		if len(o.Parameters) == 0 {
			o.Parameters = nil
		}
		out[i] = o
	}
	return out
}
