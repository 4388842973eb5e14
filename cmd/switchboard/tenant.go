package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
)

const tenantUsage = `Usage: switchboard tenant COMMAND [flags]

  list                                     the agency hierarchy
  put ID [--name NAME] [--parent ID] [--reason R]
                                           add or change a tenant (state/statechat)
  delete ID [--reason R]                   delete a tenant nothing references
  changes [ID]                             the change log of tenants

Every command takes --server URL, --key KEY and --json (see switchboard directive help).
`

func tenantCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, tenantUsage)
		return exitError(2)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("tenant "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch sub {
	case "list":
		client := adminFlags(fs, stdout)
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return usageError(stderr, "tenant list: unexpected argument %q", pos[0])
		}
		var out struct {
			Tenants []switchboard.Tenant `json:"tenants"`
		}
		printed, err := client().do(ctx, "GET", "tenants", nil, &out)
		if err != nil || printed {
			return err
		}
		return printTenants(stdout, out.Tenants)
	case "put":
		client := adminFlags(fs, stdout)
		name := fs.String("name", "", "display `NAME` (default the id)")
		parent := fs.String("parent", "", "parent tenant `ID` (none: a root)")
		reason := fs.String("reason", "", "why, for the change log")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError(stderr, "usage: switchboard tenant put ID [--name NAME] [--parent ID]")
		}
		body := admin.TenantBody{Name: *name, Parent: *parent, Reason: *reason}
		return saved(ctx, client(), stdout, "PUT", "tenants/"+escapePath(pos[0]), body, "tenant "+pos[0]+" saved")
	case "delete":
		client := adminFlags(fs, stdout)
		reason := fs.String("reason", "", "why, for the change log")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError(stderr, "usage: switchboard tenant delete ID [--reason TEXT]")
		}
		return saved(ctx, client(), stdout, "DELETE", "tenants/"+escapePath(pos[0]), map[string]string{"reason": *reason}, "tenant "+pos[0]+" deleted")
	case "changes":
		return changesCmd(ctx, switchboard.KindTenant, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, tenantUsage)
		return nil
	}
	fmt.Fprintf(stderr, "switchboard tenant: unknown command %q\n\n%s", sub, tenantUsage)
	return exitError(2)
}

// printTenants prints the hierarchy as an indented tree, roots in the
// server's order, children under their parent.
func printTenants(w io.Writer, ts []switchboard.Tenant) error {
	if len(ts) == 0 {
		fmt.Fprintln(w, "no tenants")
		return nil
	}
	children := map[string][]switchboard.Tenant{}
	known := map[string]bool{}
	for _, t := range ts {
		known[t.ID] = true
	}
	var roots []switchboard.Tenant
	for _, t := range ts {
		if t.Parent == "" || !known[t.Parent] {
			roots = append(roots, t)
		} else {
			children[t.Parent] = append(children[t.Parent], t)
		}
	}
	tw := table(w)
	fmt.Fprintln(tw, "ID\tNAME")
	seen := map[string]bool{}
	var walk func(t switchboard.Tenant, depth int)
	walk = func(t switchboard.Tenant, depth int) {
		if seen[t.ID] {
			return
		}
		seen[t.ID] = true
		fmt.Fprintf(tw, "%s%s\t%s\n", strings.Repeat("  ", depth), t.ID, t.Name)
		for _, c := range children[t.ID] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return tw.Flush()
}
