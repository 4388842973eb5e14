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

const modelUsage = `Usage: switchboard model COMMAND [flags]

  list                                     the model catalog and its aliases
  put ID --provider P --vendor V [--upstream ID] [--reason R]
                                           add or change a model
  delete ID [--reason R]                   delete a model no alias or directive uses
  alias-put NAME --targets a,b [--title T] [--reason R]
                                           add or change an alias (ordered fallbacks)
  alias-delete NAME [--reason R]           delete an alias no directive uses
  changes [ID]                             the change log of models and aliases

Providers and vendors come from the configuration file. Every command takes --server URL,
--key KEY and --json (see switchboard directive help).
`

func modelCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, modelUsage)
		return exitError(2)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("model "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	client := adminFlags(fs, stdout)
	reason := fs.String("reason", "", "why, for the change log")
	switch sub {
	case "list":
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return usageError(stderr, "model list: unexpected argument %q", pos[0])
		}
		c := client()
		if c.json {
			if _, err := c.do(ctx, "GET", "models", nil, nil); err != nil {
				return err
			}
			_, err := c.do(ctx, "GET", "aliases", nil, nil)
			return err
		}
		var ms struct {
			Models []switchboard.Model `json:"models"`
		}
		var as struct {
			Aliases []switchboard.Alias `json:"aliases"`
		}
		if _, err := c.do(ctx, "GET", "models", nil, &ms); err != nil {
			return err
		}
		if _, err := c.do(ctx, "GET", "aliases", nil, &as); err != nil {
			return err
		}
		tw := table(stdout)
		fmt.Fprintln(tw, "MODEL\tVENDOR\tPROVIDER\tUPSTREAM")
		for _, m := range ms.Models {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.ID, m.Vendor, m.Provider, m.Upstream)
		}
		if err := tw.Flush(); err != nil || len(as.Aliases) == 0 {
			return err
		}
		fmt.Fprintln(stdout)
		tw = table(stdout)
		fmt.Fprintln(tw, "ALIAS\tTARGETS\tTITLE")
		for _, a := range as.Aliases {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, strings.Join(a.Targets, " → "), dash(a.Title))
		}
		return tw.Flush()
	case "put":
		provider := fs.String("provider", "", "the `PROVIDER` that serves it (from the configuration file)")
		vendor := fs.String("vendor", "", "the `VENDOR` whose model it is")
		upstream := fs.String("upstream", "", "the provider's `ID` for it (default the model id)")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 || *provider == "" || *vendor == "" {
			return usageError(stderr, "usage: switchboard model put ID --provider P --vendor V [--upstream ID]")
		}
		body := admin.ModelBody{Provider: *provider, Vendor: *vendor, Upstream: *upstream, Reason: *reason}
		return saved(ctx, client(), stdout, "PUT", "models/"+escapePath(pos[0]), body, "model "+pos[0]+" saved")
	case "delete", "alias-delete":
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError(stderr, "usage: switchboard model %s NAME [--reason TEXT]", sub)
		}
		path, what := "models/", "model "
		if sub == "alias-delete" {
			path, what = "aliases/", "alias "
		}
		return saved(ctx, client(), stdout, "DELETE", path+escapePath(pos[0]), map[string]string{"reason": *reason}, what+pos[0]+" deleted")
	case "alias-put":
		targets := fs.String("targets", "", "comma-separated `MODELS`, first preferred")
		title := fs.String("title", "", "the `TITLE` people see")
		pos, err := parseArgs(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 || *targets == "" {
			return usageError(stderr, "usage: switchboard model alias-put NAME --targets a,b [--title T]")
		}
		body := admin.AliasBody{Targets: strings.Split(*targets, ","), Title: *title, Reason: *reason}
		return saved(ctx, client(), stdout, "PUT", "aliases/"+escapePath(pos[0]), body, "alias "+pos[0]+" saved")
	case "changes":
		// Models and aliases share the command; list both kinds.
		if err := changesCmd(ctx, switchboard.KindModel, args, stdout, stderr); err != nil {
			return err
		}
		return changesCmd(ctx, switchboard.KindAlias, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, modelUsage)
		return nil
	}
	fmt.Fprintf(stderr, "switchboard model: unknown command %q\n\n%s", sub, modelUsage)
	return exitError(2)
}

// saved sends a put or delete and prints what was done.
func saved(ctx context.Context, c *adminClient, stdout io.Writer, method, path string, body any, did string) error {
	var res admin.ChangeResult
	printed, err := c.do(ctx, method, path, body, &res)
	if err != nil || printed {
		return err
	}
	fmt.Fprintf(stdout, "%s (change %d)\n", did, res.Change.Seq)
	return nil
}
