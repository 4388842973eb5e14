package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
)

const keyUsage = `Usage: switchboard key COMMAND [flags]

  create --tenant T --name N --role R [--models a,b] [--expires TIME] [--reason R]
                                   create a key; prints it once (it is not stored)
  list [--tenant T]                keys (never their secrets), with status
  show ID                          one key
  rotate ID [--grace DUR] [--reason R]
                                   new secret, same id and scope; the old one stops
                                   at once or after --grace (e.g. 24h)
  revoke ID --reason R             end a key for good (it stays on record)
  changes [ID]                     the change log of keys

Roles: user, developer, auditor, tenant-admin, admin.
Every command takes --server URL, --key KEY and --json (see switchboard directive help).
`

func keyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, keyUsage)
		return exitError(2)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("key "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch sub {
	case "create":
		client := adminFlags(fs, stdout)
		tenant := fs.String("tenant", "", "the key's tenant `ID` (required)")
		name := fs.String("name", "", "who or what holds the key (required)")
		role := fs.String("role", "", "`ROLE`: user, developer, auditor, tenant-admin or admin (required)")
		models := fs.String("models", "", "comma-separated model and alias `NAMES` the key may use (default all)")
		expires := fs.String("expires", "", "expiry `TIME` (RFC 3339 or a date; default never)")
		reason := fs.String("reason", "", "why, for the change log")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 || *tenant == "" || *name == "" || *role == "" {
			return usageError(stderr, "usage: switchboard key create --tenant T --name N --role R [--models a,b] [--expires TIME]")
		}
		exp, err := parseTime("expires", *expires)
		if err != nil {
			return usageError(stderr, "%v", err)
		}
		body := admin.KeyRequest{Name: *name, Tenant: *tenant, Role: *role, ExpiresAt: exp, Reason: *reason}
		for _, m := range strings.Split(*models, ",") {
			if m = strings.TrimSpace(m); m != "" {
				body.Models = append(body.Models, m)
			}
		}
		var res admin.KeyResult
		printed, err := client().do(ctx, "POST", "keys", body, &res)
		if err != nil || printed {
			return err
		}
		printSecret(stdout, stderr, &res, "created for tenant "+res.Key.Tenant+" with role "+res.Key.Role)
		return nil
	case "list":
		client := adminFlags(fs, stdout)
		tenant := fs.String("tenant", "", "only keys of this tenant's subtree")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return usageError(stderr, "key list: unexpected argument %q", pos[0])
		}
		path := "keys"
		if *tenant != "" {
			path += "?" + url.Values{"tenant": {*tenant}}.Encode()
		}
		var out struct {
			Keys []admin.KeyView `json:"keys"`
		}
		printed, err := client().do(ctx, "GET", path, nil, &out)
		if err != nil || printed {
			return err
		}
		return printKeys(stdout, out.Keys)
	case "show":
		client := adminFlags(fs, stdout)
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError(stderr, "usage: switchboard key show ID")
		}
		var out struct {
			Key admin.KeyView `json:"key"`
		}
		printed, err := client().do(ctx, "GET", "keys/"+url.PathEscape(pos[0]), nil, &out)
		if err != nil || printed {
			return err
		}
		return printKeys(stdout, []admin.KeyView{out.Key})
	case "rotate":
		client := adminFlags(fs, stdout)
		grace := fs.String("grace", "", "keep the old secret working this long (`DURATION`, e.g. 24h; default: stops at once)")
		reason := fs.String("reason", "", "why, for the change log")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError(stderr, "usage: switchboard key rotate ID [--grace DURATION] [--reason TEXT]")
		}
		var res admin.KeyResult
		printed, err := client().do(ctx, "POST", "keys/"+url.PathEscape(pos[0])+"/rotate", admin.RotateRequest{Grace: *grace, Reason: *reason}, &res)
		if err != nil || printed {
			return err
		}
		what := "rotated; the old secret stopped working"
		if !res.Key.PreviousUntil.IsZero() {
			what = "rotated; the old secret works until " + fmtTime(res.Key.PreviousUntil)
		}
		printSecret(stdout, stderr, &res, what)
		return nil
	case "revoke":
		client := adminFlags(fs, stdout)
		reason := fs.String("reason", "", "why (required; recorded with the key)")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 || strings.TrimSpace(*reason) == "" {
			return usageError(stderr, "usage: switchboard key revoke ID --reason TEXT")
		}
		var res admin.KeyResult
		printed, err := client().do(ctx, "POST", "keys/"+url.PathEscape(pos[0])+"/revoke", admin.RevokeRequest{Reason: *reason}, &res)
		if err != nil || printed {
			return err
		}
		fmt.Fprintf(stdout, "key %s (%s) revoked (change %d)\n", res.Key.ID, res.Key.Name, res.Change.Seq)
		return nil
	case "changes":
		return changesCmd(ctx, switchboard.KindKey, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, keyUsage)
		return nil
	}
	fmt.Fprintf(stderr, "switchboard key: unknown command %q\n\n%s", sub, keyUsage)
	return exitError(2)
}

// printSecret prints the plaintext key alone on stdout (so scripts can
// capture it) and what happened, with the warning, on stderr.
func printSecret(stdout, stderr io.Writer, res *admin.KeyResult, what string) {
	fmt.Fprintf(stderr, "key %s (%s) %s (change %d).\n", res.Key.ID, res.Key.Name, what, res.Change.Seq)
	fmt.Fprintln(stdout, res.Secret)
	fmt.Fprintln(stderr, "WARNING: this key will not be shown again; Switchboard keeps only its SHA-256 hash. Store it now.")
}

func printKeys(w io.Writer, ks []admin.KeyView) error {
	if len(ks) == 0 {
		fmt.Fprintln(w, "no keys")
		return nil
	}
	tw := table(w)
	fmt.Fprintln(tw, "ID\tNAME\tTENANT\tROLE\tMODELS\tEXPIRES\tSTATUS\tCREATED")
	for _, k := range ks {
		models := "all"
		if len(k.Models) > 0 {
			models = strings.Join(k.Models, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Tenant, k.Role, models, fmtTime(k.ExpiresAt), k.Status, fmtTime(k.CreatedAt))
	}
	return tw.Flush()
}
