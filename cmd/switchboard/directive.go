package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/admin"
)

const directiveUsage = `Usage: switchboard directive COMMAND [flags]

  list                         every directive with its state now
  show ID                      one directive: bases, scopes, replacements, waivers, history
  create FILE [--reason R]     create the directive(s) in FILE (YAML or JSON; a directive,
                               or a config-style file with directives:) as drafts unless
                               they give a lifecycle
  update FILE [--reason R]     replace existing directive(s) with FILE's, whole
  delete ID [--reason R]       delete a draft
  issue ID [--reason R]        issue a draft
  stay ID --reason R [--basis B [--status stayed|enjoined]] [--effective T] [--ref CASE]
  unstay ID --reason R [--basis B] [--effective T] [--ref CASE]
                               exactly undo the latest stay or rescission
  rescind ID --reason R [--basis B] [--effective T] [--ref CASE]
  waive ID --tenant T --expires T --justification J [--id W] [--models a,b]
  revoke-waiver ID WAIVER [--reason R]
  whatif FILE [--at T] [--since T] [--id ID]
                               what the draft in FILE would reroute or refuse, per tenant
                               and model or alias, against recent traffic
  changes [ID]                 the change log of directives

Every command takes --server URL (default $SWITCHBOARD_URL or http://127.0.0.1:8080),
--key KEY (default $SWITCHBOARD_KEY) and --json. Times are RFC 3339 or YYYY-MM-DD.
`

func directiveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, directiveUsage)
		return exitError(2)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("directive "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch sub {
	case "list":
		return directiveList(ctx, fs, args, stdout, stderr)
	case "show":
		return directiveShow(ctx, fs, args, stdout, stderr)
	case "create", "update":
		return directiveCreate(ctx, fs, sub, args, stdout, stderr)
	case "delete":
		return directiveDelete(ctx, fs, args, stdout, stderr)
	case "issue", "stay", "unstay", "lift", "rescind":
		return directiveAction(ctx, fs, sub, args, stdout, stderr)
	case "waive":
		return directiveWaive(ctx, fs, args, stdout, stderr)
	case "revoke-waiver":
		return directiveRevoke(ctx, fs, args, stdout, stderr)
	case "whatif", "what-if":
		return directiveWhatIf(ctx, fs, args, stdout, stderr)
	case "changes":
		return changesCmd(ctx, switchboard.KindDirective, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, directiveUsage)
		return nil
	}
	fmt.Fprintf(stderr, "switchboard directive: unknown command %q\n\n%s", sub, directiveUsage)
	return exitError(2)
}

func directiveList(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError(stderr, "directive list: unexpected argument %q", pos[0])
	}
	var out struct {
		Directives []admin.DirectiveView `json:"directives"`
	}
	printed, err := client().do(ctx, "GET", "directives", nil, &out)
	if err != nil || printed {
		return err
	}
	if len(out.Directives) == 0 {
		fmt.Fprintln(stdout, "no directives")
		return nil
	}
	tw := table(stdout)
	fmt.Fprintln(tw, "ID\tSTATE\tACTION\tVENDOR\tBASES\tTITLE")
	for _, d := range out.Directives {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.CurrentState, d.Action, d.Subject.Vendor, basesSummary(d), dash(d.Title))
	}
	return tw.Flush()
}

func basesSummary(d admin.DirectiveView) string {
	if len(d.Bases) == 0 {
		return "-"
	}
	parts := make([]string, len(d.Bases))
	for i, b := range d.Bases {
		parts[i] = b.ID + "=" + d.BasisStatus[b.ID]
	}
	return strings.Join(parts, ",")
}

func directiveShow(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(stderr, "usage: switchboard directive show ID")
	}
	var out struct {
		Directive admin.DirectiveView `json:"directive"`
	}
	printed, err := client().do(ctx, "GET", "directives/"+escapePath(pos[0]), nil, &out)
	if err != nil || printed {
		return err
	}
	printDirective(stdout, out.Directive)
	return nil
}

func printDirective(w io.Writer, d admin.DirectiveView) {
	fmt.Fprintf(w, "%s: %s\n", d.ID, dash(d.Title))
	fmt.Fprintf(w, "  state:      %s at %s (lifecycle %s)\n", d.CurrentState, fmtTime(d.At), dash(d.Lifecycle))
	fmt.Fprintf(w, "  kind:       %s, by %s, issued %s\n", d.Kind, dash(d.Authority), fmtTime(d.IssuedAt))
	subject := d.Subject.Vendor
	if len(d.Subject.Models) > 0 {
		subject += " models " + strings.Join(d.Subject.Models, ",")
	}
	if len(d.Subject.Channels) > 0 {
		subject += " via " + strings.Join(d.Subject.Channels, ",")
	}
	fmt.Fprintf(w, "  subject:    %s\n  action:     %s", subject, d.Action)
	if len(d.Uses) > 0 {
		fmt.Fprintf(w, " (uses %s)", strings.Join(d.Uses, ","))
	}
	fmt.Fprintln(w)
	if d.Notice != "" {
		fmt.Fprintf(w, "  notice:     %s\n", d.Notice)
	}
	for _, b := range d.Bases {
		fmt.Fprintf(w, "  basis %s: %s — %s\n", b.ID, d.BasisStatus[b.ID], dash(b.Citation))
		for _, c := range b.History {
			fmt.Fprintf(w, "      %s from %s by %s: %s %s\n", c.Status, fmtTime(c.EffectiveAt), dash(c.By), dash(c.Reason), c.Ref)
		}
	}
	for i, s := range d.Scopes {
		fmt.Fprintf(w, "  scope %d:    %s", i, strings.Join(s.Tenants, ","))
		if len(s.Except) > 0 {
			fmt.Fprintf(w, " except %s", strings.Join(s.Except, ","))
		}
		fmt.Fprintf(w, ", effective %s, deadline %s\n", fmtTime(s.EffectiveAt), fmtTime(s.Deadline))
	}
	keys := make([]string, 0, len(d.Replacements))
	for k := range d.Replacements {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  replace:    %s → %s\n", k, d.Replacements[k])
	}
	for _, wv := range d.Waivers {
		fmt.Fprintf(w, "  waiver %s: %s until %s, granted %s by %s: %s\n", wv.ID, wv.Tenant, fmtTime(wv.Expires), fmtTime(wv.GrantedAt), dash(wv.GrantedBy), wv.Justification)
	}
	for _, tr := range d.History {
		fmt.Fprintf(w, "  %s  %s → %s by %s: %s\n", fmtTime(tr.At), dash(tr.From), tr.To, dash(tr.By), dash(tr.Reason))
	}
}

// readDirectives reads FILE: one directive, a list of them, or a
// config-style document with directives: (other keys are ignored, so the
// configuration file itself can be given). YAML and JSON both decode
// with the config's field names; unknown fields are errors.
func readDirectives(path string) ([]switchboard.Directive, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	root := doc.Content[0]
	many := root.Kind == yaml.SequenceNode
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "directives" {
				root, many = root.Content[i+1], true
				break
			}
		}
	}
	// Re-encode the chosen node so the strict decoder (unknown fields are
	// errors) sees only it.
	sub, err := yaml.Marshal(root)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(sub))
	dec.KnownFields(true)
	var ds []switchboard.Directive
	if many {
		err = dec.Decode(&ds)
	} else {
		var d switchboard.Directive
		err = dec.Decode(&d)
		ds = []switchboard.Directive{d}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Base(path), strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%s: no directives", path)
	}
	return ds, nil
}

func directiveCreate(ctx context.Context, fs *flag.FlagSet, sub string, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	reason := fs.String("reason", "", "why, for the change log")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(stderr, "usage: switchboard directive %s FILE [--reason TEXT]", sub)
	}
	ds, err := readDirectives(pos[0])
	if err != nil {
		return err
	}
	c := client()
	for _, d := range ds {
		var res admin.Result
		body := admin.DirectiveBody{Directive: d, Reason: *reason}
		var printed bool
		if sub == "create" {
			printed, err = c.do(ctx, "POST", "directives", body, &res)
		} else {
			printed, err = c.do(ctx, "PUT", "directives/"+escapePath(d.ID), body, &res)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", dash(d.ID), err)
		}
		if !printed {
			printResult(stdout, sub+"d", res)
		}
	}
	return nil
}

func printResult(w io.Writer, did string, res admin.Result) {
	fmt.Fprintf(w, "%s: %s (change %d); state now %s\n", res.Directive.ID, did, res.Change.Seq, res.Directive.CurrentState)
}

func directiveDelete(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	reason := fs.String("reason", "", "why, for the change log")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(stderr, "usage: switchboard directive delete ID [--reason TEXT]")
	}
	return saved(ctx, client(), stdout, "DELETE", "directives/"+escapePath(pos[0]), map[string]string{"reason": *reason}, pos[0]+": deleted")
}

func directiveAction(ctx context.Context, fs *flag.FlagSet, sub string, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	reason := fs.String("reason", "", "why (required for stay, unstay and rescind): the order, the memo")
	var basis, status, effective, ref *string
	if sub != "issue" {
		basis = fs.String("basis", "", "act on one legal `BASIS` only (a court stays one basis while another stays in force)")
		effective = fs.String("effective", "", "when it takes effect (`TIME`, default now)")
		ref = fs.String("ref", "", "court case or document (`CASE`)")
	}
	if sub == "stay" {
		status = fs.String("status", "", "for a basis: stayed (default) or enjoined")
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(stderr, "usage: switchboard directive %s ID [flags]", sub)
	}
	req := admin.ActionRequest{Reason: *reason}
	if basis != nil {
		req.Basis, req.Ref = *basis, *ref
		if req.EffectiveAt, err = parseTime("effective", *effective); err != nil {
			return err
		}
	}
	if status != nil {
		req.Status = *status
	}
	var res admin.Result
	printed, err := client().do(ctx, "POST", "directives/"+escapePath(pos[0])+"/"+sub, req, &res)
	if err != nil || printed {
		return err
	}
	did := map[string]string{"issue": "issued", "stay": "stayed", "unstay": "restored", "lift": "restored", "rescind": "rescinded"}[sub]
	if req.Basis != "" {
		did += " basis " + req.Basis + " (now " + res.Directive.BasisStatus[req.Basis] + ")"
	}
	printResult(stdout, did, res)
	return nil
}

func directiveWaive(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	tenant := fs.String("tenant", "", "the `TENANT` (subtree root) the waiver covers")
	expires := fs.String("expires", "", "when the waiver ends (`TIME`, required, in the future)")
	just := fs.String("justification", "", "why the waiver is granted (required)")
	id := fs.String("id", "", "waiver `ID` (default: the directive id with -wN)")
	models := fs.String("models", "", "narrow the waiver to these comma-separated model `PATTERNS`")
	reason := fs.String("reason", "", "for the change log (default the justification)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(stderr, "usage: switchboard directive waive ID --tenant T --expires TIME --justification TEXT")
	}
	if *tenant == "" || *expires == "" || *just == "" {
		return usageError(stderr, "directive waive: --tenant, --expires and --justification are required")
	}
	exp, err := parseTime("expires", *expires)
	if err != nil {
		return err
	}
	req := admin.WaiveRequest{ID: *id, Tenant: *tenant, Expires: *exp, Justification: *just, Reason: *reason}
	if *models != "" {
		req.Models = strings.Split(*models, ",")
	}
	var res admin.Result
	printed, err := client().do(ctx, "POST", "directives/"+escapePath(pos[0])+"/waive", req, &res)
	if err != nil || printed {
		return err
	}
	w := res.Directive.Waivers[len(res.Directive.Waivers)-1]
	printResult(stdout, "waiver "+w.ID+" granted to "+w.Tenant+" until "+fmtTime(w.Expires), res)
	return nil
}

func directiveRevoke(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	reason := fs.String("reason", "", "why, for the change log")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError(stderr, "usage: switchboard directive revoke-waiver ID WAIVER [--reason TEXT]")
	}
	var res admin.Result
	printed, err := client().do(ctx, "DELETE", "directives/"+escapePath(pos[0])+"/waivers/"+escapePath(pos[1]), map[string]string{"reason": *reason}, &res)
	if err != nil || printed {
		return err
	}
	printResult(stdout, "waiver "+pos[1]+" revoked", res)
	return nil
}

func directiveWhatIf(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	client := adminFlags(fs, stdout)
	at := fs.String("at", "", "evaluate at `TIME` (default the server's now)")
	since := fs.String("since", "", "count traffic from `TIME` (default seven days before now)")
	id := fs.String("id", "", "the directive `ID` to evaluate when FILE holds several")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(stderr, "usage: switchboard directive whatif FILE [--at TIME]")
	}
	ds, err := readDirectives(pos[0])
	if err != nil {
		return err
	}
	var draft *switchboard.Directive
	for i := range ds {
		if *id == "" && len(ds) == 1 || ds[i].ID == *id {
			draft = &ds[i]
		}
	}
	if draft == nil {
		ids := make([]string, len(ds))
		for i, d := range ds {
			ids[i] = d.ID
		}
		return usageError(stderr, "directive whatif: %s holds %s; choose one with --id", pos[0], strings.Join(ids, ", "))
	}
	req := admin.WhatIfRequest{Directive: *draft}
	if req.At, err = parseTime("at", *at); err != nil {
		return err
	}
	if req.Since, err = parseTime("since", *since); err != nil {
		return err
	}
	var res admin.WhatIfResult
	printed, err := client().do(ctx, "POST", "whatif", req, &res)
	if err != nil || printed {
		return err
	}
	fmt.Fprintf(stdout, "What-if %s at %s\n", res.Directive, fmtTime(res.At))
	if res.Traffic == admin.TrafficRecorded {
		fmt.Fprintf(stdout, "Traffic: recorded since %s\n", fmtTime(res.Since))
	} else {
		fmt.Fprintf(stdout, "Traffic: %s\n", res.Note)
	}
	if len(res.Impacts) == 0 {
		fmt.Fprintf(stdout, "No change to any of %d tenant × model pairs.\n", res.Evaluated)
		return nil
	}
	tw := table(stdout)
	fmt.Fprintln(tw, "TENANT\tMODEL\tREQUESTS\tNOW\tWITH DRAFT\tNOTICE")
	for _, im := range res.Impacts {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", im.Tenant, im.Model, im.Count,
			served(im.Before, im.BeforeServed), served(im.After, im.AfterServed), dash(im.Notice))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, im := range res.Impacts {
		counts[im.After]++
	}
	fmt.Fprintf(stdout, "%d of %d tenant × model pairs change: %d rerouted, %d refused, %d warned.\n",
		len(res.Impacts), res.Evaluated, counts["reroute"], counts["refuse"], counts["warn"])
	return nil
}

// served renders an outcome with the model that serves it.
func served(outcome, model string) string {
	if model == "" || outcome == "refuse" {
		return outcome
	}
	return outcome + " → " + model
}
