// Package faults is the fault rule language of the fake and its engine: which calls a [Rule]
// applies to ([Match], [Calls], [Window], [RateLimit], probability, times) and what the caller gets
// instead of the normal answer ([Outcome]: an error code on its channel, a transport [Fault], a
// latency, a refunded duplicate), with [Scenario] files read by [ParseScenario] and [LoadScenario]
// (YAML or JSON; every problem at once, each a [RuleError] with its line and column;
// scenario.schema.json is their JSON Schema).
//
// A fake's rules are reached through fake.Server.Faults, whose Add is the one way to add rules
// from Go; the one-line rules are [FailNext], [FailNextN], [FailAlways] and [FaultNext]:
//
//	srv.Faults().Add(faults.FailNextN(2, spec.CodeServiceUnavailable))
//
// The engine exists once: [Engine] matches a [Request] against the rules and runs [Compiled.Fire]
// on the counters of those that match, in one atomic step of a [Counters]. [NewMemoryCounters]
// keeps them in one process; a shared store implements Counters so that replicas count together,
// and a store that decides elsewhere (a script) is tested against Fire.
//
// Rules name no Action unless they choose to: [Match.Places] and [Match.Reads] select the calls
// that buy, or the polls, as the fake's operation table describes them.
package faults
