package fake_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/internal/synth"
	"github.com/bsskit/bsskit/spec"
)

// sdkOp is one typed operation of the old Go SDK's bssopenapi package: the client's method X and
// what its constructor CreateXRequest does (InitWithApiInfo's arguments and the HTTP method).
type sdkOp struct {
	action  string
	method  reflect.Method
	reqType reflect.Type // *XRequest
	apiInfo []string     // product, version, action, service code, endpoint type
	verb    string       // requests.POST or requests.GET
}

// sdkOperations enumerates the typed operations of the client: every method X(*XRequest)
// (*XResponse, error) whose package has the constructor CreateXRequest. Go's reflection does not
// reach package functions, so the constructor is read from the source file that declares the
// method (runtime.FuncForPC): its InitWithApiInfo call and its request.Method, which is all a
// constructor of the package does. A method without a constructor fails the test.
func sdkOperations(t *testing.T) []sdkOp {
	t.Helper()
	client := reflect.TypeFor[*bssopenapi.Client]()
	resp := reflect.TypeFor[error]()
	var ops []sdkOp
	fset := token.NewFileSet()
	for i := range client.NumMethod() {
		m := client.Method(i)
		ft := m.Type // receiver first
		if ft.NumIn() != 2 || ft.NumOut() != 2 || ft.Out(1) != resp {
			continue
		}
		in, out := ft.In(1), ft.Out(0)
		if in.Kind() != reflect.Pointer || in.Elem().Name() != m.Name+"Request" ||
			out.Kind() != reflect.Pointer || out.Elem().Name() != m.Name+"Response" {
			continue
		}
		file, _ := runtime.FuncForPC(m.Func.Pointer()).FileLine(m.Func.Pointer())
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		require.NoError(t, err, "%s: the source of the SDK's method", m.Name)
		op := sdkOp{action: m.Name, method: m, reqType: in}
		ctor := "Create" + m.Name + "Request"
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Name.Name != ctor {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "InitWithApiInfo" {
						for _, a := range n.Args {
							if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
								s, _ := strconv.Unquote(lit.Value)
								op.apiInfo = append(op.apiInfo, s)
							}
						}
					}
				case *ast.AssignStmt:
					if sel, ok := n.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "Method" {
						if v, ok := n.Rhs[0].(*ast.SelectorExpr); ok {
							op.verb = map[string]string{"POST": requests.POST, "GET": requests.GET}[v.Sel.Name]
						}
					}
				}
				return true
			})
		}
		require.Len(t, op.apiInfo, 5, "%s: the package has %s calling InitWithApiInfo", m.Name, ctor)
		require.NotEmpty(t, op.verb, "%s: %s sets the request's method", m.Name, ctor)
		ops = append(ops, op)
	}
	return ops
}

// newRequest does what op's CreateXRequest does.
func (op sdkOp) newRequest() reflect.Value {
	req := reflect.New(op.reqType.Elem())
	rpc := &requests.RpcRequest{}
	req.Elem().FieldByName("RpcRequest").Set(reflect.ValueOf(rpc))
	rpc.InitWithApiInfo(op.apiInfo[0], op.apiInfo[1], op.apiInfo[2], op.apiInfo[3], op.apiInfo[4])
	rpc.Method = op.verb
	return req
}

// fillTyped sets the typed request's fields from wire parameters: Name into the field tagged
// name:"Name", Prefix.n into the n-th element of a repeated list, Prefix.n.Field into that
// element's field. A parameter the SDK's type has no field for goes into the query as it is.
func fillTyped(t *testing.T, req reflect.Value, rpc *requests.RpcRequest, params map[string]string) {
	t.Helper()
	fields := map[string]reflect.Value{}
	st := req.Elem()
	for i := range st.NumField() {
		if name, ok := st.Type().Field(i).Tag.Lookup("name"); ok {
			fields[name] = st.Field(i)
		}
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := params[k]
		parts := strings.SplitN(k, ".", 3)
		f, ok := fields[parts[0]]
		switch {
		case ok && len(parts) == 1 && f.Kind() == reflect.String:
			f.SetString(v)
			continue
		case ok && len(parts) > 1 && f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Slice:
			n, err := strconv.Atoi(parts[1])
			require.NoError(t, err, k)
			if f.IsNil() {
				f.Set(reflect.New(f.Type().Elem()))
			}
			list := f.Elem()
			for list.Len() < n {
				list.Set(reflect.Append(list, reflect.Zero(list.Type().Elem())))
			}
			el := list.Index(n - 1)
			if len(parts) == 2 && el.Kind() == reflect.String {
				el.SetString(v)
				continue
			}
			if len(parts) == 3 && el.Kind() == reflect.Struct {
				if sf := el.FieldByName(parts[2]); sf.IsValid() && sf.Kind() == reflect.String {
					sf.SetString(v)
					continue
				}
			}
		}
		rpc.QueryParams[k] = v
	}
}

// TestOldSDKCallsEveryOperation: every typed operation of the old Go SDK's bssopenapi package,
// signed and unmodified, called through its typed client against the fake, decodes into the SDK's
// typed response with Success and the fake's RequestId; in JSON, and in XML for a sample. The
// required parameters come from the spec (synth.Request); CreateInstance buys a product of the
// default catalogue and GetOrderDetail reads that order. A new SDK operation the fake does not
// answer fails it, and so does an SDK the enumeration finds fewer operations in.
func TestOldSDKCallsEveryOperation(t *testing.T) {
	t.Parallel()
	ops := sdkOperations(t)
	require.GreaterOrEqual(t, len(ops), 99, "the old SDK's typed operations")
	srv := fake.NewServer(t, fake.WithSeed(21), fake.WithCredentials("testAKID", "testSecret"))
	client, err := bssopenapi.NewClientWithAccessKey("cn-hangzhou", "testAKID", "testSecret")
	require.NoError(t, err)
	client.Domain = srv.Endpoint()

	// CreateInstance first: GetOrderDetail reads the order it places.
	slices.SortStableFunc(ops, func(a, b sdkOp) int {
		return cmpBool(b.action == spec.ActionCreateInstance, a.action == spec.ActionCreateInstance)
	})
	overrides := map[string]map[string]string{
		spec.ActionCreateInstance: {"ProductCode": "rtc", "SubscriptionType": "PayAsYouGo", "Parameter.1.Code": "ServiceType", "Parameter.1.Value": "universal"},
		spec.ActionGetOrderDetail: {"OrderId": ""},
	}
	xmlSample := map[string]bool{"QueryAccountBalance": true, "DescribeInstanceBill": true, "QueryOrders": true,
		"RenewInstance": true, "QueryResellerAvailableQuota": true, "GetPayAsYouGoPrice": true, spec.ActionGetOrderDetail: true}

	for _, op := range ops {
		formats := []string{"JSON"}
		if xmlSample[op.action] {
			formats = append(formats, "XML")
		}
		for _, format := range formats {
			t.Run(op.action+"/"+format, func(t *testing.T) {
				_, inSpec := spec.OperationFor(op.action)
				require.True(t, inSpec, "the spec has the SDK's %s", op.action)
				params := overrides[op.action]
				if params == nil {
					vals, err := synth.Request(op.action, 21)
					require.NoError(t, err)
					params = map[string]string{}
					for k := range vals {
						params[k] = vals.Get(k)
					}
				}
				req := op.newRequest()
				rpc := req.Elem().FieldByName("RpcRequest").Interface().(*requests.RpcRequest)
				rpc.AcceptFormat = format
				fillTyped(t, req, rpc, params)
				out := op.method.Func.Call([]reflect.Value{reflect.ValueOf(client), req})
				if err, _ := out[1].Interface().(error); err != nil {
					require.NoError(t, err, "%s %v", op.action, params)
				}
				resp := out[0].Elem()
				id := resp.FieldByName("RequestId")
				require.True(t, id.IsValid(), "%s's response has RequestId", op.action)
				base := out[0].Interface().(interface{ GetHttpHeaders() map[string][]string })
				hdr := base.GetHttpHeaders()["X-Acs-Request-Id"]
				require.NotEmpty(t, hdr)
				assert.Equal(t, hdr[0], id.String(), "%s: the fake's RequestId", op.action)
				if ok := resp.FieldByName("Success"); ok.IsValid() {
					assert.True(t, ok.Bool(), "%s: Success", op.action)
				} else {
					t.Logf("%s: the SDK's response has no Success field", op.action)
				}
				if op.action == spec.ActionCreateInstance {
					overrides[spec.ActionGetOrderDetail]["OrderId"] = resp.FieldByName("Data").FieldByName("OrderId").String()
				}
				if set, of := decodedFields(resp); of > 0 {
					assert.NotZero(t, set, "%s: the answer decodes into more than RequestId and Success", op.action)
				}
			})
		}
	}
	assert.Len(t, srv.Journal(), len(ops)+len(xmlSample), "one call per operation and format")
}

// decodedFields counts the typed response's payload fields (exported, past RequestId, Success,
// Code, Message and the embedded base; booleans left out, as false cannot be told from absent)
// and those of them that decoded to a value.
func decodedFields(resp reflect.Value) (set, of int) {
	for i := range resp.NumField() {
		f := resp.Type().Field(i)
		if f.Anonymous || !f.IsExported() || f.Type.Kind() == reflect.Bool ||
			slices.Contains([]string{"RequestId", "Success", "Code", "Message"}, f.Name) {
			continue
		}
		of++
		if !resp.Field(i).IsZero() {
			set++
		}
	}
	return set, of
}

// cmpBool orders true before false.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// TestDarabonbaCallApiEveryOperationSample: darabonba-openapi CallApi with the V3 signature calls
// a sample of the synthesized operations (reads and writes, a repeated list, a JSON-encoded
// parameter's operation) with the spec's required parameters and gets each one's success body with
// the fake's RequestId.
func TestDarabonbaCallApiEveryOperationSample(t *testing.T) {
	t.Parallel()
	srv := fake.NewServer(t, fake.WithSeed(5), fake.WithCredentials("testAKID", "testSecret"))
	client, err := openapi.NewClient(&openapi.Config{
		Endpoint: tea.String(srv.Endpoint()), Protocol: tea.String("http"), RegionId: tea.String("cn-hangzhou"),
		NoProxy: tea.String(srv.Endpoint()), AccessKeyId: tea.String("testAKID"), AccessKeySecret: tea.String("testSecret"),
	})
	require.NoError(t, err)
	for _, action := range []string{"QueryAccountBalance", "DescribeInstanceBill", "QueryOrders", "RenewInstance",
		"TagResources", "QuerySkuPriceList", "CreateSavingsPlansInstance", "RenewChangeInstance"} {
		t.Run(action, func(t *testing.T) {
			vals, err := synth.Request(action, 5)
			require.NoError(t, err)
			q := map[string]any{}
			for k := range vals {
				q[k] = vals.Get(k)
			}
			params := &openapi.Params{
				Action: tea.String(action), Version: tea.String(spec.Version), Protocol: tea.String("HTTP"),
				Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
				ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
			}
			res, err := client.CallApi(params, &openapi.OpenApiRequest{Query: openapiutil.Query(q)}, &dara.RuntimeOptions{})
			require.NoError(t, err)
			body, ok := res["body"].(map[string]any)
			require.True(t, ok, "%v", res)
			hv := reflect.ValueOf(res["headers"])
			require.Equal(t, reflect.Map, hv.Kind(), "%v", res["headers"])
			id := hv.MapIndex(reflect.ValueOf("x-acs-request-id"))
			require.True(t, id.IsValid(), "%v", res["headers"])
			assert.Equal(t, fmt.Sprint(reflect.Indirect(reflect.ValueOf(id.Interface()))), body["RequestId"])
			if s, has := body["Success"]; has {
				assert.Equal(t, true, s)
			}
			assert.Greater(t, len(body), 1, "more than the RequestId")
		})
	}
}
