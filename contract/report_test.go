package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/contract"
	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/faults"
	"github.com/bsskit/bsskit/internal/mutants"
)

// reportCounts are the case counts one report format gives.
type reportCounts struct{ total, failed, skipped int }

// countsOfAllFormats writes rep as text, JSON and JUnit and returns each format's case counts.
func countsOfAllFormats(t *testing.T, rep *contract.Report) (text, js, junit reportCounts) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	m := regexp.MustCompile(`(?m)^  cases: (\d+) passed, (\d+) failed, (\d+) not applicable, (\d+) skipped, (\d+) not run`).FindStringSubmatch(b.String())
	require.NotNil(t, m, b.String())
	n := make([]int, 5)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	text = reportCounts{n[0] + n[1] + n[2] + n[3] + n[4], n[1], n[2] + n[3] + n[4]}

	b.Reset()
	require.NoError(t, rep.WriteJSON(&b))
	var doc struct {
		Cases []struct {
			Status string `json:"status"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	js.total = len(doc.Cases)
	for _, c := range doc.Cases {
		switch contract.Status(c.Status) {
		case contract.StatusFail:
			js.failed++
		case contract.StatusNotApplicable, contract.StatusSkipped, contract.StatusNotRun:
			js.skipped++
		}
	}

	b.Reset()
	require.NoError(t, rep.WriteJUnit(&b))
	var x struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Cases []struct {
				Failure *struct{} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &x))
	var listed reportCounts
	for _, s := range x.Suites {
		for _, c := range s.Cases {
			listed.total++
			if c.Failure != nil {
				listed.failed++
			}
			if c.Skipped != nil {
				listed.skipped++
			}
		}
	}
	junit = reportCounts{x.Tests, x.Failures, x.Skipped}
	assert.Equal(t, junit, listed, "the JUnit totals match its testcases")
	return text, js, junit
}

// TestReportFormatsCountTheSameCases: text, JSON and JUnit give the same number of cases, failures
// and skips, for a passing run, a failing one and one in which the order budget skipped cases.
func TestReportFormatsCountTheSameCases(t *testing.T) {
	t.Parallel()
	mutant, ok := mutants.ByName("content-type-no-charset")
	require.True(t, ok, "no mutant %q", "content-type-no-charset")
	ts, _, err := mutants.Start(mutant, fake.WithSeed(41))
	require.NoError(t, err)
	t.Cleanup(ts.Close)
	srv := fake.NewServer(t, fake.WithSeed(41))
	for _, tc := range []struct {
		name    string
		target  contract.Target
		opts    []contract.Option
		failing bool
		skips   bool
	}{
		{"passing", contract.Target{URL: srv.URL()}, nil, false, false},
		{"failing", mutant.Target(ts.URL), nil, true, false},
		{"cases skipped by the budget", contract.Target{URL: srv.URL()}, []contract.Option{contract.WithMaxOrders(2)}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := contract.Check(context.Background(), tc.target, append(tc.opts, contract.WithSeed(41), contract.WithGenerated(3))...)
			require.NoError(t, err)
			assert.Equal(t, tc.failing, !rep.OK())
			text, js, junit := countsOfAllFormats(t, rep)
			assert.Equal(t, text, js, "text and JSON")
			assert.Equal(t, text, junit, "text and JUnit")
			assert.Equal(t, len(rep.Cases), text.total)
			if tc.failing {
				assert.Positive(t, text.failed, "a run that is not OK has a failed case in every format")
			}
			if tc.skips {
				assert.Positive(t, rep.Counts()[contract.StatusSkipped])
				assert.Greater(t, text.skipped, rep.Counts()[contract.StatusNotApplicable], "the skipped cases count as skipped in every format")
			}
		})
	}
}

// TestFailedCasesFirstWithReproduction: a failing run's text report lists the failed cases before
// anything else, each with the command that runs it alone; that command, run through --run and
// --seed, selects exactly that case and fails it the same way.
func TestFailedCasesFirstWithReproduction(t *testing.T) {
	t.Parallel()
	mutant, ok := mutants.ByName("missing-parameter-404")
	require.True(t, ok, "no mutant %q", "missing-parameter-404")
	ts, _, err := mutants.Start(mutant, fake.WithSeed(42))
	require.NoError(t, err)
	t.Cleanup(ts.Close)
	target := mutant.Target(ts.URL)
	rep, err := contract.Check(context.Background(), target, contract.WithSeed(42), contract.WithGenerated(2))
	require.NoError(t, err)
	require.False(t, rep.OK())

	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	text := b.String()
	failedAt := strings.Index(text, "\n== failed: ")
	require.Positive(t, failedAt, text)
	for _, section := range []string{"\n== not applicable", "\n== coverage", "\n== ledger", "\n== " + string(mutant.Expect)} {
		if i := strings.Index(text, section); i >= 0 {
			assert.Less(t, failedAt, i, "failed cases come before %q", section)
		}
	}
	var failed []contract.CaseResult
	for _, c := range rep.Cases {
		if c.Status == contract.StatusFail {
			failed = append(failed, c)
		}
	}
	require.NotEmpty(t, failed)
	for _, c := range failed {
		want := "bsskit contract --endpoint " + rep.Endpoint + " --seed 42 --run '^" + regexp.QuoteMeta(c.Name) + "$'"
		assert.Contains(t, c.Repro, want)
		assert.Contains(t, text, "    reproduce: "+c.Repro+"\n")
	}

	// The reproduction's --run and --seed select that case alone, which fails again.
	c := failed[0]
	run := regexp.MustCompile(`--run '([^']*)'`).FindStringSubmatch(c.Repro)
	require.NotNil(t, run)
	again, err := contract.Check(context.Background(), target, contract.WithSeed(42), contract.WithGenerated(2), contract.WithRun(regexp.MustCompile(run[1])))
	require.NoError(t, err)
	n := again.Counts()
	assert.Equal(t, 1, n[contract.StatusFail]+n[contract.StatusPass], "exactly one case runs")
	got, ok := again.Case(c.Name)
	require.True(t, ok)
	assert.Equal(t, contract.StatusFail, got.Status)
	assert.Equal(t, c.Findings[0].Check, got.Findings[0].Check)
}

// TestFaultRulesWarning: a fake with active fault rules is named in a warning at the top of the
// text report (and in the JSON and JUnit reports); a fake without rules gets none.
func TestFaultRulesWarning(t *testing.T) {
	t.Parallel()
	plain := fake.NewServer(t)
	rep, err := contract.Check(context.Background(), contract.Target{URL: plain.URL()}, contract.WithGenerated(0))
	require.NoError(t, err)
	assert.Empty(t, rep.Warnings)

	faulty := fake.NewServer(t, fake.WithRules(faults.Rule{ID: "slow-sas", Match: faults.Match{ProductCode: faults.Exact("sas")}, Outcome: &faults.Outcome{Error: "Throttling.User"}}))
	rep, err = contract.Check(context.Background(), contract.Target{URL: faulty.URL()}, contract.WithGenerated(0))
	require.NoError(t, err)
	require.Len(t, rep.Warnings, 1)
	assert.Contains(t, rep.Warnings[0], "the target fake has 1 active fault rule(s) (slow-sas)")
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	lines := strings.SplitN(b.String(), "\n", 4)
	assert.True(t, strings.HasPrefix(lines[2], "WARNING: the target fake has 1 active fault rule(s)"), lines[2])
	b.Reset()
	require.NoError(t, rep.WriteJUnit(&b))
	assert.Contains(t, b.String(), `name="warning" value="the target fake has 1 active fault rule(s)`)
}
