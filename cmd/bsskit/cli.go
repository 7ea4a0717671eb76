package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/bsskit/bsskit/contract"
)

// flagError is an error of the flag package itself (an unknown flag, a malformed value): the command
// prints it once, with a short usage.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// parseFlags parses args into fs without letting the flag package print anything. -h and --help
// write help (the synopsis first, then the flags) to w and return flag.ErrHelp; a parse error is
// returned as a *flagError, for [usageError] to print once.
func parseFlags(fs *flag.FlagSet, args []string, help func(w io.Writer), w io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		help(w)
		fmt.Fprintln(w, "\nflags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return err
	case err != nil:
		return &flagError{err}
	}
	return nil
}

// cliMessage is err's text without the package prefixes the command name already says
// ("bsskit contract: contract: usage: ..." reads "bsskit contract: ...").
func cliMessage(err error) string {
	msg := err.Error()
	if errors.Is(err, contract.ErrUsage) {
		msg = strings.TrimPrefix(msg, contract.ErrUsage.Error()+": ")
	}
	for _, p := range []string{"contract: ", "fake: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// printErr prints "bsskit CMD: message" once.
func printErr(stderr io.Writer, cmd string, err error) {
	fmt.Fprintf(stderr, "bsskit %s: %s\n", cmd, cliMessage(err))
}

// usageError prints err once and, when the flag package refused the command line, the command's
// synopsis and where to find every flag. It returns the usage exit code.
func usageError(stderr io.Writer, cmd, synopsis string, err error) int {
	printErr(stderr, cmd, err)
	var fe *flagError
	if errors.As(err, &fe) {
		fmt.Fprintln(stderr, synopsis)
		fmt.Fprintf(stderr, "Run 'bsskit %s -h' for every flag.\n", cmd)
	}
	return exitUsage
}

// listenHint explains a listen error a user can act on, or returns "".
func listenHint(addr string, err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Sprintf("%s is already in use (another bsskit serve, or another program, listens there); "+
			"pick a free port with --addr 127.0.0.1:0 (the first line printed gives the URL)", addr)
	}
	return ""
}

// reachableURL turns the URL of a listener into one a client on this host can open: a server
// listening on every interface (0.0.0.0, ::) is reached through loopback. note says so, or is "".
func reachableURL(listenURL string) (reach, note string) {
	u, err := url.Parse(listenURL)
	if err != nil {
		return listenURL, ""
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return listenURL, ""
	}
	ip := net.ParseIP(host)
	if host != "" && (ip == nil || !ip.IsUnspecified()) {
		return listenURL, ""
	}
	loop := "127.0.0.1"
	if ip != nil && ip.To4() == nil {
		loop = "::1"
	}
	u.Host = net.JoinHostPort(loop, port)
	return u.String(), fmt.Sprintf("listening on every interface (%s); from other hosts use this host's name or address with port %s",
		net.JoinHostPort(host, port), port)
}
