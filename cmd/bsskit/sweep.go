package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bsskit/bsskit/fake"
	"github.com/bsskit/bsskit/fake/sweep"
	"github.com/bsskit/bsskit/fake/verdict"
)

const sweepSynopsis = "usage: bsskit sweep [--cases REGEXP] [--report text|json|junit] [--out FILE] [--timeout D] [flags] -- COMMAND ARGS..."

func sweepHelp(w io.Writer) {
	fmt.Fprintln(w, sweepSynopsis)
	fmt.Fprintln(w, `
Runs COMMAND once per failure case, each against a fresh fake with the case's faults, and judges it:
the exit status (0 is a successful purchase), the orders placed and the verdicts on its requests.
COMMAND finds the fake's domestic site in BSSKIT_ENDPOINT (host:port) and BSSKIT_URL, its
international site in BSSKIT_INTL_ENDPOINT and BSSKIT_INTL_URL, and its credentials in
ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET. Exit status: 0 when every case
meets its expectation with no failing verdict, 1 otherwise, 2 on a usage error.`)
}

// sweepFlags is the parsed command line of bsskit sweep.
type sweepFlags struct {
	cfg     sweep.Config
	report  string
	out     string
	timeout time.Duration
	command []string
}

// expectFlags collects --expect NAME=RESULT:ORDERS.
type expectFlags map[string]sweep.Expect

func (e expectFlags) String() string { return "" }

func (e expectFlags) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	res, n, ok2 := strings.Cut(rest, ":")
	orders, err := strconv.Atoi(n)
	r := sweep.Result(res)
	if !ok || !ok2 || err != nil || orders < 0 || (r != sweep.ResultSuccess && r != sweep.ResultFailure && r != sweep.ResultEither) {
		return fmt.Errorf("%q: want NAME=success|failure|either:ORDERS, such as after-commit/hang=either:1", v)
	}
	e[name] = sweep.Expect{Result: r, Orders: orders}
	return nil
}

func parseSweepFlags(args []string, w io.Writer) (*sweepFlags, error) {
	f := &sweepFlags{}
	expect := expectFlags{}
	fs := flag.NewFlagSet("bsskit sweep", flag.ContinueOnError)
	fs.StringVar(&f.cfg.Cases, "cases", "", "run only the cases whose name matches this RE2 expression")
	fs.StringVar(&f.report, "report", "text", "report format: text, json or junit")
	fs.StringVar(&f.out, "out", "", "write the report to this file instead of standard output")
	fs.DurationVar(&f.timeout, "timeout", time.Minute, "how long one run of COMMAND may take")
	thresholdFlags(fs, &f.cfg.Thresholds)
	fs.Var(expect, "expect", "override a case's expectation: NAME=success|failure|either:ORDERS (repeatable)")
	if err := parseFlags(fs, args, sweepHelp, w); err != nil {
		return nil, err
	}
	f.command = fs.Args()
	switch {
	case len(f.command) == 0:
		return nil, &flagError{errors.New("no COMMAND: give it after --")}
	case f.report != "text" && f.report != "json" && f.report != "junit":
		return nil, &flagError{fmt.Errorf("--report %q: want text, json or junit", f.report)}
	case f.timeout <= 0:
		return nil, &flagError{fmt.Errorf("--timeout %s: want a positive duration", f.timeout)}
	}
	if len(expect) > 0 {
		f.cfg.Expect = expect
	}
	return f, nil
}

// thresholdFlags adds the verdicts' thresholds to fs (bsskit sweep and bsskit serve).
func thresholdFlags(fs *flag.FlagSet, th *verdict.Thresholds) {
	d := verdict.DefaultThresholds()
	fs.DurationVar(&th.MinBackoff, "min-backoff", d.MinBackoff, "verdict no-backoff: least gap between a throttling or 5xx answer and its retry")
	fs.IntVar(&th.MaxRetries, "max-retries", d.MaxRetries, "verdict retry-storm: most retries of one request in a row")
	fs.DurationVar(&th.HangBound, "hang-bound", d.HangBound, "verdict no-timeout: how long a caller may hold a hung request (bsskit sweep: also the fake's hang limit)")
	fs.BoolVar(&th.FailGaveUp, "fail-gave-up", false, "make the verdict gave-up-on-retryable failing, not only reported")
}

// sweepCase is one case's line of the report.
type sweepCase struct {
	sweep.CaseResult
	ExitStatus int    `json:"exitStatus"`
	Output     string `json:"output,omitempty"`
}

func runSweep(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseSweepFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return usageError(stderr, "sweep", sweepSynopsis, err)
	}
	if _, err := exec.LookPath(f.command[0]); err != nil {
		return usageError(stderr, "sweep", sweepSynopsis, fmt.Errorf("cannot run %s: %w", f.command[0], err))
	}
	ak, secret := "LTAI"+randomHex(8), randomHex(15)
	f.cfg.Options = []fake.Option{fake.WithCredentials(ak, secret)}
	exits := map[string]sweepCase{}
	start := time.Now()
	results, err := sweep.RunSweep(ctx, f.cfg, func(ctx context.Context, c sweep.Case, s *fake.Server) error {
		sc, err := runCommand(ctx, f, s, ak, secret)
		exits[c.Name] = sc
		return err
	})
	if err != nil && len(results) == 0 {
		return usageError(stderr, "sweep", sweepSynopsis, err)
	}
	took := time.Since(start)
	cases := make([]sweepCase, len(results))
	passed := 0
	for i, r := range results {
		cases[i] = exits[r.Name]
		cases[i].CaseResult = r
		if r.Passed() {
			passed++
		}
	}
	var out io.Writer = stdout
	var file *os.File
	if f.out != "" {
		if file, err = os.Create(f.out); err != nil {
			printErr(stderr, "sweep", err)
			return exitFail
		}
		out = file
	}
	switch f.report {
	case "json":
		err = writeSweepJSON(out, cases, passed, took)
	case "junit":
		err = writeSweepJUnit(out, cases, took)
	default:
		err = writeSweepText(out, cases)
	}
	if file != nil {
		err = errors.Join(err, file.Close())
	}
	if err != nil {
		printErr(stderr, "sweep", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "bsskit sweep: %d cases in %s: %d passed, %d failed\n", len(cases), took.Round(time.Millisecond), passed, len(cases)-passed)
	if ctx.Err() != nil || passed != len(cases) {
		return exitFail
	}
	return exitOK
}

// runCommand runs the command once against s and returns its line and, when it did not exit 0,
// the error that makes the case's result a failure.
func runCommand(ctx context.Context, f *sweepFlags, s *fake.Server, ak, secret string) (sweepCase, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.command[0], f.command[1:]...)
	intlURL := "http://" + s.InternationalEndpoint()
	cmd.Env = append(os.Environ(),
		"BSSKIT_ENDPOINT="+s.Endpoint(), "BSSKIT_URL="+s.URL(),
		"BSSKIT_INTL_ENDPOINT="+s.InternationalEndpoint(), "BSSKIT_INTL_URL="+intlURL,
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+ak, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secret)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	sc := sweepCase{Output: tail(buf.String(), 2000)}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return sc, nil
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		sc.ExitStatus = -1
		return sc, fmt.Errorf("timed out after %s", f.timeout)
	case errors.As(err, &ee):
		sc.ExitStatus = ee.ExitCode()
		return sc, fmt.Errorf("exit status %d", sc.ExitStatus)
	default:
		sc.ExitStatus = -1
		return sc, err
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func expectString(e sweep.Expect) string { return fmt.Sprintf("%s, %d order(s)", e.Result, e.Orders) }

func writeSweepText(w io.Writer, cases []sweepCase) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tEXPECT\tRESULT\tEXIT\tORDERS\tFINDINGS\tVERDICT")
	for _, c := range cases {
		var all []string
		for _, f := range c.Findings {
			n := f.Name
			if !f.Failing() {
				n += "(" + f.Severity + ")"
			}
			if !slices.Contains(all, n) {
				all = append(all, n)
			}
		}
		names := strings.Join(all, ",")
		if names == "" {
			names = "-"
		}
		verdict := "ok"
		if !c.Passed() {
			verdict = "FAIL: " + strings.Join(c.Problems, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", c.Name, expectString(c.Expect), c.Result, c.ExitStatus, c.Orders, names, verdict)
	}
	return tw.Flush()
}

func writeSweepJSON(w io.Writer, cases []sweepCase, passed int, took time.Duration) error {
	type jsonCase struct {
		Name       string            `json:"name"`
		Expect     sweep.Expect      `json:"expect"`
		Result     sweep.Result      `json:"result"`
		ExitStatus int               `json:"exitStatus"`
		Orders     int               `json:"orders"`
		Findings   []string          `json:"findings"`
		Details    []verdict.Finding `json:"details"`
		Problems   []string          `json:"problems"`
		Passed     bool              `json:"passed"`
		DurationMs int64             `json:"durationMs"`
		Output     string            `json:"output,omitempty"`
	}
	out := struct {
		Passed     bool       `json:"passed"`
		DurationMs int64      `json:"durationMs"`
		Cases      []jsonCase `json:"cases"`
	}{Passed: passed == len(cases), DurationMs: took.Milliseconds(), Cases: []jsonCase{}}
	for _, c := range cases {
		names := c.FindingNames()
		if names == nil {
			names = []string{}
		}
		problems := c.Problems
		if problems == nil {
			problems = []string{}
		}
		out.Cases = append(out.Cases, jsonCase{Name: c.Name, Expect: c.Expect, Result: c.Result, ExitStatus: c.ExitStatus,
			Orders: c.Orders, Findings: names, Details: c.Findings, Problems: problems, Passed: c.Passed(),
			DurationMs: c.Duration.Milliseconds(), Output: c.Output})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeSweepJUnit(w io.Writer, cases []sweepCase, took time.Duration) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	type testsuite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Time     string     `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }
	ts := testsuite{Name: "bsskit sweep", Tests: len(cases), Time: secs(took)}
	for _, c := range cases {
		tc := testcase{Name: c.Name, Classname: "bsskit.sweep", Time: secs(c.Duration)}
		if !c.Passed() {
			ts.Failures++
			tc.Failure = &failure{Message: c.Problems[0], Text: strings.Join(c.Problems, "\n")}
			tc.SystemOut = c.Output
		}
		ts.Cases = append(ts.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(ts); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// printVerdicts prints the verdicts of a standalone run at shutdown: one line each, or that there
// is none.
func printVerdicts(w io.Writer, fs []verdict.Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "bsskit serve: verdicts: none")
		return
	}
	fmt.Fprintf(w, "bsskit serve: verdicts: %d finding(s)\n", len(fs))
	for _, f := range fs {
		fmt.Fprintf(w, "  %s\n", f)
	}
}
