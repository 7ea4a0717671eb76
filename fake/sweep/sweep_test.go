package sweep_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/fake/sweep"
	"github.com/bsskit/bsskit/spec"
)

// TestSweepCasesFollowTheCatalogue: the matrix has every retryable code, every fault, every
// non-committing fault after commit, and one non-retryable code per (layer, status) class, with
// the expectations the issue sets; names are unique.
func TestSweepCasesFollowTheCatalogue(t *testing.T) {
	t.Parallel()
	byName := map[string]sweep.Case{}
	for _, c := range sweep.Cases() {
		_, dup := byName[c.Name]
		require.False(t, dup, "case %s twice", c.Name)
		byName[c.Name] = c
		assert.NotEmpty(t, c.Description, c.Name)
	}
	assert.Equal(t, sweep.Expect{Result: sweep.ResultSuccess, Orders: 1}, byName["clean"].Expect)
	classes := map[string]int{}
	for _, d := range spec.Errors() {
		if d.Retryable {
			c, ok := byName["retryable/"+string(d.Code)]
			require.True(t, ok, "retryable code %s has no case", d.Code)
			assert.Equal(t, sweep.Expect{Result: sweep.ResultSuccess, Orders: 1}, c.Expect)
			continue
		}
		classes[fmt.Sprint(d.Layer, d.HTTPStatus)]++
	}
	finals := 0
	for name, c := range byName {
		if strings.HasPrefix(name, "final/") {
			finals++
			assert.Equal(t, sweep.Expect{Result: sweep.ResultFailure, Orders: 0}, c.Expect)
		}
	}
	assert.Equal(t, len(classes), finals, "one final case per class")
	for _, f := range faults.All() {
		c, ok := byName["fault/"+string(f)]
		require.True(t, ok, "fault %s has no case", f)
		assert.Equal(t, 1, c.Expect.Orders)
		if ac, ok := byName["after-commit/"+string(f)]; ok {
			assert.Equal(t, sweep.Expect{Result: sweep.ResultEither, Orders: 1}, ac.Expect)
			assert.True(t, ac.Rules[0].Outcome.AfterCommit)
		} else {
			assert.Equal(t, sweep.ResultEither, c.Expect.Result, "%s commits, so its fault case is the after-commit case", f)
		}
	}
	assert.Contains(t, byName, "burst/Throttling.User")
	assert.Contains(t, byName, "outage/Throttling.User")
	// The sites, the lifecycle and the reads: a case per site other than domestic, a refunded
	// duplicate and a slow instance (failure, the one order), a throttling burst on the polls.
	for _, site := range spec.Sites() {
		c, ok := byName["site/"+site.Name+"-account"]
		if site.Name == spec.SiteDomestic {
			assert.False(t, ok, "the domestic site is every other case's site")
			continue
		}
		require.True(t, ok, "site %s has no case", site.Name)
		assert.Equal(t, sweep.Expect{Result: sweep.ResultSuccess, Orders: 1}, c.Expect)
		assert.NotEmpty(t, c.Options)
	}
	assert.Equal(t, sweep.Expect{Result: sweep.ResultFailure, Orders: 1}, byName["lifecycle/refunded-duplicate"].Expect)
	assert.True(t, byName["lifecycle/refunded-duplicate"].Rules[0].Outcome.Refund)
	assert.Equal(t, sweep.Expect{Result: sweep.ResultFailure, Orders: 1}, byName["lifecycle/slow-provisioning"].Expect)
	for _, d := range spec.Errors() {
		if !d.Retryable || !strings.Contains(string(d.Code), "Throttling") {
			continue
		}
		c, ok := byName["read/"+string(d.Code)]
		require.True(t, ok, "throttling code %s has no read case", d.Code)
		assert.Equal(t, sweep.Expect{Result: sweep.ResultSuccess, Orders: 1}, c.Expect)
		assert.Equal(t, spec.ActionQueryAvailableInstances, c.Rules[0].Match.Action.Exact)
	}
	// The HTTP 200 channel (Success false) is swept: by a body-channel code of the catalogue, or by a
	// business code answered with status 200 when the catalogue has none.
	bodyChannel := 0
	for name, c := range byName {
		if !strings.HasPrefix(name, "final/") && !strings.HasPrefix(name, "body-channel/") {
			continue
		}
		o := c.Rules[0].Outcome
		if def, _ := spec.Lookup(o.Error); o.Status == 200 || def.HTTPStatus == 200 {
			bodyChannel++
			assert.Equal(t, sweep.Expect{Result: sweep.ResultFailure, Orders: 0}, c.Expect, name)
		}
	}
	assert.Equal(t, 1, bodyChannel, "one non-retryable case in the HTTP 200 channel")
}

// TestRunSweepConfig: a case filter, an override, and the configuration errors.
func TestRunSweepConfig(t *testing.T) {
	t.Parallel()
	var ran []string
	results, err := sweep.RunSweep(t.Context(), sweep.Config{
		Cases:  "^(clean|final/NotApplicable)$",
		Expect: map[string]sweep.Expect{"clean": {Result: sweep.ResultFailure, Orders: 0}},
	}, func(_ context.Context, c sweep.Case, s *fake.Server) error {
		ran = append(ran, c.Name)
		return errors.New("the caller did nothing")
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"clean", "final/NotApplicable"}, ran)
	require.Len(t, results, 2)
	for _, r := range results {
		assert.True(t, r.Passed(), "%s: %v", r.Name, r.Problems)
		assert.Equal(t, sweep.ResultFailure, r.Result)
		assert.Equal(t, "the caller did nothing", r.Error)
	}

	results, err = sweep.RunSweep(t.Context(), sweep.Config{Cases: "^clean$"},
		func(context.Context, sweep.Case, *fake.Server) error { return nil })
	require.NoError(t, err)
	require.Len(t, results, 1)
	assert.Equal(t, []string{"0 orders exist, want 1"}, results[0].Problems, "a caller that says success without ordering")

	for _, tt := range []struct {
		name string
		cfg  sweep.Config
		want string
	}{
		{"bad regexp", sweep.Config{Cases: "("}, "sweep cases"},
		{"no case", sweep.Config{Cases: "^nothing$"}, "select no case"},
		{"unknown override", sweep.Config{Expect: map[string]sweep.Expect{"nope": {}}}, `no case "nope"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sweep.RunSweep(t.Context(), tt.cfg, func(context.Context, sweep.Case, *fake.Server) error {
				t.Fatal("ran a case")
				return nil
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// ExampleCases prints the start of the failure matrix the sweep derives from the catalogue.
func ExampleCases() {
	for _, c := range sweep.Cases()[:4] {
		fmt.Printf("%s: %s; expect %s with %d order(s)\n", c.Name, c.Description, c.Expect.Result, c.Expect.Orders)
	}
	// Output:
	// clean: no failure; expect success with 1 order(s)
	// retryable/InternalError: the first call answers InternalError (HTTP 400); expect success with 1 order(s)
	// retryable/Throttling.User: the first call answers Throttling.User (HTTP 400); expect success with 1 order(s)
	// retryable/ServiceUnavailable: the first call answers ServiceUnavailable (HTTP 503); expect success with 1 order(s)
}

// The cases of the sites and the lifecycle, and the read call a caller confirms its purchase with.
func ExampleCases_lifecycle() {
	for _, c := range sweep.Cases() {
		if strings.HasPrefix(c.Name, "site/") || strings.HasPrefix(c.Name, "lifecycle/") || c.Name == "read/Throttling.User" {
			fmt.Printf("%s: %s; expect %s with %d order(s)\n", c.Name, c.Description, c.Expect.Result, c.Expect.Orders)
		}
	}
	// Output:
	// site/international-account: the account belongs to the international site (business.ap-southeast-1.aliyuncs.com): the domestic endpoint answers NotApplicable; expect success with 1 order(s)
	// lifecycle/refunded-duplicate: the order is accepted, then refunded as a duplicate: its instance stays Creating for 300ms, then disappears; expect failure with 1 order(s)
	// lifecycle/slow-provisioning: the instance stays Creating for 1h0m0s, past any caller's wait; expect failure with 1 order(s)
	// read/Throttling.User: the first 3 QueryAvailableInstances polls answer Throttling.User; expect success with 1 order(s)
}
