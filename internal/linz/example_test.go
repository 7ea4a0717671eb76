package linz_test

import (
	"fmt"

	"github.com/anishathalye/porcupine"

	"github.com/bsskit/bsskit/internal/linz"
)

// A ClientToken answered with two different orders by two replicas is not linearizable.
func ExampleCheck() {
	create := func(replica int) linz.Input {
		return linz.Input{Kind: linz.Create, Replica: replica, Account: "1000000000000001", Product: "sas", Token: "t1"}
	}
	history := []porcupine.Operation{ // times in nanoseconds
		{ClientId: 0, Call: 0, Return: 10e6, Input: create(0),
			Output: linz.Output{Result: linz.OK, OrderID: "o1", InstanceID: "sas-1"}},
		{ClientId: 1, Call: 20e6, Return: 30e6, Input: create(1),
			Output: linz.Output{Result: linz.OK, OrderID: "o2", InstanceID: "sas-2"}},
	}
	v := linz.Check(history, linz.CheckOptions{})
	fmt.Println(v.OK(), v.FailedKeys())
	fmt.Print(linz.FormatOps(v.Failed[0].Minimal))
	// Output:
	// false [1000000000000001/sas]
	//          0.0..     10.0  client  0  replica 0: CreateInstance sas token t1 -> order o1 instance sas-1
	//         20.0..     30.0  client  1  replica 1: CreateInstance sas token t1 -> order o2 instance sas-2
}
