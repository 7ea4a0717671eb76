// Command naive buys one rtc service with the naive caller of package caller, from the fake whose
// address is in BSSKIT_ENDPOINT, with the credentials in ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET. It exits 0 when the purchase is confirmed, 1 otherwise:
//
//	bsskit sweep -- go run ./examples/naive
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
	err := caller.Naive().Buy(ctx, caller.TargetFromEnv())
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "naive:", err)
		os.Exit(1)
	}
	fmt.Println("naive: order placed")
}
