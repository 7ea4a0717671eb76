// Package linz checks that bsskit serve replicas sharing one store behave as one server, the way
// Jepsen checks databases (issue 24): concurrent clients send a random mix of purchases and reads to
// random replicas while replicas and Redis are killed, paused and restarted; every operation's
// invoke and return time and outcome is recorded; and the history is checked for linearizability
// with github.com/anishathalye/porcupine against a sequential model of the fake, partitioned by key.
//
// The model ([Model]) has three kinds of partition:
//
//   - one per account and product that is not opens-once: each ClientToken places one order (the
//     same OrderId and InstanceId on every success); QueryAvailableInstances lists exactly the
//     instances of the orders placed so far; GetOrderDetail finds every acknowledged order;
//   - one per account and opens-once product: at most one instance, its ClientToken replays its
//     order, every other token answers ORDER.OPEND (or Has.effect.suit) naming that instance;
//   - one for the clock: after POST /__admin/clock/advance was acknowledged on any replica, every
//     replica reports a probe instance (provisioning delay 1 h, advance 2 h) Normal, before it
//     Creating.
//
// An operation whose outcome is unknown (a timeout, a reset connection, a 5xx that may or may not
// have been stored) may have taken effect at any time after its invocation or not at all: it is
// recorded with a return time after every other operation, as Jepsen treats it. A call refused
// before it was sent (connection refused) and a 4xx answer took no effect.
//
//	h := linz.NewHistory()
//	id := h.Invoke(client, in)
//	h.Return(id, out)
//	res := linz.Check(h.Operations(), linz.CheckOptions{VisualizeTo: "linz.html"})
//	if !res.OK() { t.Fatal(res) } // names the failing partitions and prints the smallest one
//
// [Run] starts the replicas (a bsskit binary, on free loopback ports), a redis-server, the clients
// and the faults, and returns the history and the figures of the run.
package linz
