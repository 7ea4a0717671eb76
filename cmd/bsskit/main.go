// Command bsskit runs the bsskit fake of Alibaba Cloud BSS OpenAPI CreateInstance as a standalone
// server, and other bsskit tools.
//
//	bsskit serve [--addr 127.0.0.1:8080] [--catalog FILE] [--access-key-id ID --access-key-secret SECRET]
//
//	bsskit contract --endpoint URL [flags]
//	bsskit sweep [flags] -- COMMAND ARGS...
//	bsskit version
//
// Run "bsskit help" for every command and flag.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// commands maps each subcommand to its implementation; each parses its own flags.
var commands = map[string]struct {
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	summary string
}{
	"serve":    {runServe, "start the fake server"},
	"contract": {runContract, "check an endpoint against the spec (the contract suite)"},
	"sweep":    {runSweep, "run a command once per failure case against a fresh fake and judge it"},
	"version":  {runVersion, "print the module version and VCS revision"},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "bsskit: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: bsskit <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, name := range []string{"serve", "contract", "sweep", "version"} {
		if c, ok := commands[name]; ok {
			fmt.Fprintf(w, "  %-10s %s\n", name, c.summary)
		}
	}
	fmt.Fprintln(w, "\nRun 'bsskit <command> -h' for a command's flags.")
}
