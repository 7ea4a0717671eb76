// Command careful buys one rtc service with the careful caller of package caller, from the fake whose
// sites are in BSSKIT_ENDPOINT and BSSKIT_INTL_ENDPOINT, with the credentials in
// ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET. It exits 0 when the purchase is
// confirmed (the instance Normal, the order Paid), 1 otherwise:
//
//	bsskit sweep -- go run ./examples/careful
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/bsskit/bsskit/examples/caller"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := caller.Careful().Buy(ctx, caller.TargetFromEnv())
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "careful:", err)
		os.Exit(1)
	}
	fmt.Println("careful: order placed and confirmed")
}
