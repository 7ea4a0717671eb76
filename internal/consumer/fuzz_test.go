package consumer

import (
	"encoding/json"
	"testing"

	"github.com/bsskit/bsskit/internal/tfclient"
)

// FuzzJudge: any answer an endpoint sends (a status and a body) is judged without a panic, and the
// verdict keeps the rules' promises: Done names an instance unless the account already held it,
// a Fail says why, and only a 4xx/5xx or a 200 body may ask for the site switch.
func FuzzJudge(f *testing.F) {
	f.Add(200, `{"Code":"Success","Success":true,"Data":{"InstanceId":"rtc-cn-1","OrderId":"1"}}`)
	f.Add(200, `{"Code":"PAY.INSUFFICIENT_BALANCE","Success":false,"Message":""}`)
	f.Add(200, `{"Code":"Has.effect.suit","Success":false,"Message":": "}`)
	f.Add(400, `{"Code":"NotApplicable","Message":"This API is not applicable for caller."}`)
	f.Add(503, `<html>busy</html>`)
	f.Add(200, `{"Success":"true","Data":[]}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		var m map[string]any
		jerr := json.Unmarshal([]byte(body), &m)
		var v Verdict
		switch {
		case status >= 400 && status < 600:
			e := &tfclient.Error{StatusCode: status, Body: m}
			e.Code, e.Message, e.RequestID = str(m, "Code"), str(m, "Message"), str(m, "RequestId")
			v = Judge(nil, e)
		case jerr != nil:
			v = Judge(nil, jerr)
			if v.Action != Retry {
				t.Fatalf("an undecodable answer: %v, want retry", v.Action)
			}
			return
		default:
			v = Judge(m, nil)
		}
		switch v.Action {
		case Done:
			if v.InstanceID == "" && !v.AlreadyBought {
				t.Fatalf("done without an instance: %+v", v)
			}
		case Fail:
			if v.Err == nil {
				t.Fatalf("fail without a reason: %+v", v)
			}
		case Retry, SwitchSite:
		default:
			t.Fatalf("unknown action %d", v.Action)
		}
		_ = v.Action.String()
	})
}
