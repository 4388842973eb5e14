package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/postgres"
	"github.com/switchboard-gov/switchboard/sqlite"
)

const auditUsage = `Usage:
  switchboard audit verify [--store URL | --config FILE] [--key PUBLIC.pem] [--json]
  switchboard audit search [--store URL | --config FILE] [filters] [--limit N]
  switchboard audit export [--store URL | --config FILE] [filters] --format jsonl|csv [--out FILE]
  switchboard audit hold   [--store URL | --config FILE] (--tenant T | --from TIME --to TIME) --reason TEXT [--by NAME]
  switchboard audit hold   [--store URL | --config FILE] --list | --release ID [--by NAME]
  switchboard audit prune  [--store URL | --config FILE] --rules FILE [--at TIME] [--by NAME]

Filters: --tenant T [--subtree] --vendor V --model M --directive ID --from TIME --to TIME
(TIME is RFC 3339 or YYYY-MM-DD). URL is sqlite:PATH or postgres://…
`

// stores are the audit trail and managed state of one database.
type stores struct {
	audit   audit.Store
	state   switchboard.Store
	cfg     *config.Config
	keyFile string // default signing key beside a SQLite database
	close   func()
}

// openStores opens the store named by --store, or the configuration's.
func openStores(ctx context.Context, url, cfgPath string) (*stores, error) {
	s := &stores{}
	if cfgPath != "" {
		cfg, err := config.Load(cfgPath)
		if err != nil {
			return nil, err
		}
		s.cfg = cfg
		if url == "" {
			url = cfg.Store
		}
	}
	switch {
	case url == "":
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "store", Message: "name the store: --store sqlite:PATH, --store postgres://… or --config FILE"}
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		if _, err := os.Stat(path); err != nil {
			return nil, &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "store", Message: "no SQLite database at " + path}
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		as, err := sqlite.NewAuditStore(db)
		if err != nil {
			db.Close()
			return nil, err
		}
		s.audit, s.state, s.keyFile = as, db, filepath.Join(filepath.Dir(path), "audit-ed25519.key")
		s.close = func() { as.Close(); db.Close() }
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := postgres.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		as, err := postgres.NewAuditStore(db.Pool())
		if err != nil {
			db.Close()
			return nil, err
		}
		s.audit, s.state, s.keyFile = as, db, filepath.Join("data", "audit-ed25519.key")
		s.close = func() { as.Close(); db.Close() }
	default:
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "store", Message: "store " + url + " is neither sqlite:PATH nor a postgres:// URL"}
	}
	return s, nil
}

func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return exitError(2)
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, args[1:], stdout, stderr)
	case "search", "export":
		return auditQuery(ctx, args[0], args[1:], stdout, stderr)
	case "hold":
		return auditHold(ctx, args[1:], stdout, stderr)
	case "prune":
		return auditPrune(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, auditUsage)
		return nil
	}
	fmt.Fprintf(stderr, "switchboard audit: unknown command %q\n\n%s", args[0], auditUsage)
	return exitError(2)
}

type storeFlags struct{ url, cfg *string }

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{fs.String("store", "", "store `URL`: sqlite:PATH or postgres://…"), fs.String("config", "", "configuration `FILE` (its store)")}
}

func (f storeFlags) open(ctx context.Context) (*stores, error) {
	return openStores(ctx, *f.url, *f.cfg)
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	keyPath := fs.String("key", "", "trusted checkpoint public key `FILE` (PEM); default: the .pub beside the store's signing key")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	var keys []ed25519.PublicKey
	kp := *keyPath
	if kp == "" {
		if _, err := os.Stat(s.keyFile + ".pub"); err == nil {
			kp = s.keyFile + ".pub"
		}
	}
	if kp != "" {
		k, err := audit.ReadPublicKey(kp)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	opts := audit.VerifyOptions{Keys: keys}
	var bar *progressbar.ProgressBar
	if !*quiet {
		opts.Progress = func(done, total int64) {
			if bar == nil {
				bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("verifying"),
					progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
			}
			_ = bar.Set64(done)
		}
	}
	rep, err := audit.Verify(ctx, s.audit, opts)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		fmt.Fprintf(stdout, "records checked: %d (from seq %d), checkpoints: %d, head: %d %s\n", rep.Records, rep.From, rep.Checkpoints, rep.Head.Seq, rep.Head.Hash)
		if rep.Anchor != nil {
			fmt.Fprintf(stdout, "starts from the prune checkpoint at record %d (records before it were deleted under retention)\n", rep.Anchor.Seq)
		}
		if !rep.KeysTrusted {
			fmt.Fprintln(stdout, "warning: no trusted public key given (--key): checkpoints were checked against the keys they carry")
		}
		if rep.Unsealed > 0 {
			fmt.Fprintf(stdout, "%d record(s) after the last checkpoint are covered by the chain only\n", rep.Unsealed)
		}
	}
	if !rep.OK {
		fmt.Fprintf(stderr, "audit verify: the chain is broken at %s\n", rep.Break.Error())
		return exitError(1)
	}
	if !*asJSON {
		fmt.Fprintln(stdout, "ok: the chain verifies")
	}
	return nil
}

type filterFlags struct {
	tenant, vendor, model, directive, from, to, kind *string
	subtree                                          *bool
	limit                                            *int
}

func addFilterFlags(fs *flag.FlagSet) filterFlags {
	return filterFlags{
		tenant: fs.String("tenant", "", "tenant `ID`"), subtree: fs.Bool("subtree", false, "with --tenant, include its sub-tenants"),
		vendor: fs.String("vendor", "", "vendor `ID`"), model: fs.String("model", "", "requested or served `MODEL`"),
		directive: fs.String("directive", "", "directive `ID`"), kind: fs.String("kind", "", "record `KIND`: request, admin or system"),
		from: fs.String("from", "", "from `TIME` (inclusive)"), to: fs.String("to", "", "to `TIME` (exclusive)"),
		limit: fs.Int("limit", 0, "at most `N` records"),
	}
}

func (ff filterFlags) filter() (audit.Filter, error) {
	f := audit.Filter{Tenant: *ff.tenant, Subtree: *ff.subtree, Vendor: *ff.vendor, Model: *ff.model, Directive: *ff.directive, Kind: *ff.kind, Limit: *ff.limit}
	var err error
	if f.From, err = audit.ParseTime("--from", *ff.from); err != nil {
		return f, err
	}
	if f.To, err = audit.ParseTime("--to", *ff.to); err != nil {
		return f, err
	}
	if err := f.Validate(); err != nil {
		return f, err
	}
	return f, nil
}

func auditQuery(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit "+cmd, flag.ContinueOnError)
	sf := addStoreFlags(fs)
	ff := addFilterFlags(fs)
	format, out := new(string), new(string)
	if cmd == "export" {
		format = fs.String("format", "jsonl", "`FORMAT`: jsonl or csv")
		out = fs.String("out", "", "write to `FILE` (default: standard output)")
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	f, err := ff.filter()
	if err != nil {
		return err
	}
	if cmd == "export" && *format != audit.FormatJSONL && *format != audit.FormatCSV {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "--format must be jsonl or csv, not " + *format}
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if cmd == "search" {
		if f.Limit == 0 {
			f.Limit = 100
		}
		return s.audit.Query(ctx, f, func(r *audit.Record) error {
			what := r.RequestedModel + " -> " + r.ServedModel
			if r.Kind != audit.KindRequest {
				what = r.Action + " " + r.Object
			}
			_, err := fmt.Fprintf(stdout, "%6d  %s  %-8s %-18s %-40s %-10s %-8s %3d  %s\n", r.Seq, r.Start.Format(time.RFC3339), r.Kind, r.Tenant, what, r.Vendor, r.Outcome, r.Status, r.ID)
			return err
		})
	}
	w := stdout
	if *out != "" {
		fh, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer fh.Close()
		w = fh
	}
	total, err := s.audit.Count(ctx, f)
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if *out != "" || total > 10000 {
		bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("exporting"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	n, err := audit.Export(ctx, s.audit, f, *format, w, func(n int64) {
		if bar != nil {
			_ = bar.Set64(n)
		}
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stderr, "exported %d record(s) to %s\n", n, *out)
	}
	return nil
}

// openLog starts a writer over s, signing with the key file beside the
// store (created if missing) or --key-file.
func openLog(s *stores, keyFile string) (*audit.Log, error) {
	if keyFile == "" {
		keyFile = s.keyFile
	}
	sg, err := audit.LoadOrCreateKey(keyFile)
	if err != nil {
		return nil, err
	}
	return audit.New(audit.Options{Store: s.audit, Signer: sg})
}

func auditHold(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit hold", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	tenant := fs.String("tenant", "", "hold the records of tenant `ID` and its sub-tenants")
	from := fs.String("from", "", "hold records from `TIME`")
	to := fs.String("to", "", "hold records before `TIME`")
	reason := fs.String("reason", "", "the matter the hold preserves records for (required)")
	by := fs.String("by", os.Getenv("USER"), "who places or releases the hold")
	list := fs.Bool("list", false, "list holds")
	release := fs.String("release", "", "release hold `ID`")
	keyFile := fs.String("key-file", "", "checkpoint signing key `FILE`")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	h := audit.Hold{Tenant: *tenant, Reason: *reason, By: *by}
	var err error
	if h.From, err = audit.ParseTime("--from", *from); err != nil {
		return err
	}
	if h.To, err = audit.ParseTime("--to", *to); err != nil {
		return err
	}
	if !*list && *release == "" {
		if err := h.Validate(); err != nil {
			return err
		}
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if *list {
		hs, err := s.audit.Holds(ctx)
		if err != nil {
			return err
		}
		for _, h := range hs {
			state := "in force"
			if !h.Released.IsZero() {
				state = "released " + h.Released.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s  tenant=%q from=%s to=%s  %s  by %s: %s\n", h.ID, h.Tenant, holdTime(h.From), holdTime(h.To), state, h.By, h.Reason)
		}
		return nil
	}
	l, err := openLog(s, *keyFile)
	if err != nil {
		return err
	}
	defer l.Close()
	if *release != "" {
		if err := l.ReleaseHold(ctx, *release, *by, *reason); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "released", *release)
		return nil
	}
	h, err = l.PlaceHold(ctx, h)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "placed legal hold", h.ID)
	return nil
}

func holdTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func auditPrune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit prune", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	rules := fs.String("rules", "", "retention policy `FILE` (JSON: {\"rules\":[{item, class, kind, retention_years, retention_days, retention_type, event}], \"events\":{…}})")
	at := fs.String("at", "", "apply the policy as of `TIME` (default now)")
	by := fs.String("by", os.Getenv("USER"), "who prunes (recorded)")
	keyFile := fs.String("key-file", "", "checkpoint signing key `FILE`")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *rules == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "rules", Message: "--rules FILE is required: pruning needs a retention policy"}
	}
	b, err := os.ReadFile(*rules)
	if err != nil {
		return err
	}
	var pol audit.Policy
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pol); err != nil {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "rules", Message: *rules + ": " + err.Error()}
	}
	if err := pol.Validate(); err != nil {
		return err
	}
	now := time.Now()
	if *at != "" {
		if now, err = audit.ParseTime("--at", *at); err != nil {
			return err
		}
	}
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	l, err := openLog(s, *keyFile)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := l.Prune(ctx, &pol, *by, now)
	if err != nil {
		return err
	}
	if res.Through == 0 && res.Contents == 0 {
		fmt.Fprintln(stdout, "nothing has expired (or the oldest expired record is under a legal hold)")
		return nil
	}
	fmt.Fprintf(stdout, "deleted %d record(s) through seq %d and %d captured content(s); a signed checkpoint keeps the chain verifiable\n", res.Records, res.Through, res.Contents)
	return nil
}

var errUnknownDirective = errors.New("unknown directive")
