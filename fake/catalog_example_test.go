package fake_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/bsskit/bsskit/fake"
)

// A catalogue file with problems is refused with all of them, each at its line and column.
func ExampleParseCatalog() {
	_, err := fake.ParseCatalog([]byte(`products:
  - code: snapshot
    periodMultiple: twelve
    modules:
      - {code: Capacity, required: true}
      - {code: Capacity}
`))
	fmt.Println(err)
	// Output:
	// catalogue: line 3:21: products[0].periodMultiple: want an integer, got "twelve"
	// line 6:16: products[0].modules[1].code: module "Capacity" of snapshot appears twice
}

// The answer to a business error keeps the real service's message; the journal says why.
func ExampleEntry_reason() {
	srv, _ := fake.New(fake.WithSeed(1))
	_ = srv.Start()
	defer srv.Close()
	resp, _ := http.Post(srv.URL()+"/?Action=CreateInstance&Version=2017-12-14&Format=JSON&ProductCode=rtc&SubscriptionType=PayAsYouGo&Parameter.1.Code=ServiceType&Parameter.1.Value=Universal", "", nil)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	e := srv.Journal()[0]
	fmt.Println(e.Code)
	fmt.Println(e.Reason)
	// Output:
	// InvalidConfigCode
	// module ServiceType of rtc does not sell "Universal" (Parameter.1.Value); it sells: universal
}
