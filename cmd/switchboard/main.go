// Command switchboard is the Switchboard gateway: `serve` runs it,
// `validate` checks a configuration file, `version` prints the release.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	switchboard "github.com/switchboard-gov/switchboard"
)

const usage = `Switchboard: one endpoint for every client, any vendor behind it, policy as data.

Usage:
  switchboard serve --demo [--addr HOST:PORT] [--at TIME] [--data DIR]
  switchboard serve --config FILE [--addr HOST:PORT] [--at TIME]
  switchboard validate --config FILE
  switchboard audit verify|search|export|hold|prune [--store URL | --config FILE] …
  switchboard report compliance --directive ID [--tenant T] [--from] [--to] --format md|csv|json|html
  switchboard guard eval --data DIR
  switchboard directive list|show|create|issue|stay|unstay|rescind|waive|whatif …
  switchboard tenant list|put|delete …
  switchboard model list|put|delete|alias-put|alias-delete …
  switchboard key create|list|show|rotate|revoke|changes …
  switchboard version

Run "switchboard COMMAND -h" for a command's flags.
`

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "switchboard:", err)
		var ex exitError
		if errors.As(err, &ex) {
			os.Exit(int(ex))
		}
		os.Exit(1)
	}
}

// exitError carries a specific exit status (2: usage, 1: failure).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError(2)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "guard":
		return guardCmd(args[1:], stdout, stderr)
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "audit":
		return auditCmd(ctx, args[1:], stdout, stderr)
	case "report":
		return reportCmd(ctx, args[1:], stdout, stderr)
	case "directive":
		return directiveCmd(ctx, args[1:], stdout, stderr)
	case "tenant":
		return tenantCmd(ctx, args[1:], stdout, stderr)
	case "model":
		return modelCmd(ctx, args[1:], stdout, stderr)
	case "key":
		return keyCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "switchboard", switchboard.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "switchboard: unknown command %q\n\n%s", args[0], usage)
	return exitError(2)
}

func versionString() string { return switchboard.Version }
