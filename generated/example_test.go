package generated_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"

	"github.com/bsskit/bsskit/generated"
)

// Both formats of an answer decode into the same generated types: Go field names are the JSON keys
// and the XML element names.
func Example() {
	var ok generated.CreateInstanceResponse
	_ = json.Unmarshal([]byte(`{"RequestId":"R1","Success":true,"Code":"Success","Message":"Successful!",`+
		`"Data":{"OrderId":"214567890120123","InstanceId":"rtc-cn-1"}}`), &ok)
	fmt.Println(ok.Success, ok.Data.OrderId, ok.Data.InstanceId)

	var e generated.ErrorResponse
	_ = xml.Unmarshal([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>R2</RequestId>`+
		`<HostId>business.aliyuncs.com</HostId><Code>InvalidVersion</Code><Message>Specified parameter Version is not valid.</Message>`+
		`<Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=InvalidVersion]]></Recommend></Error>`), &e)
	fmt.Println(e.Code, e.HostId, e.Recommend)
	// Output:
	// true 214567890120123 rtc-cn-1
	// InvalidVersion business.aliyuncs.com https://api.aliyun.com/troubleshoot?q=InvalidVersion
}
