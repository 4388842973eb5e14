package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
)

const reportUsage = `Usage:
  switchboard report compliance --directive ID [--tenant T] [--from TIME] [--to TIME] [--format md|csv|json|html]
                                (--store URL | --config FILE | --server URL [--key KEY])
`

func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "compliance" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, reportUsage)
			return nil
		}
		fmt.Fprint(stderr, reportUsage)
		return exitError(2)
	}
	fs := flag.NewFlagSet("report compliance", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	id := fs.String("directive", "", "directive `ID` (required)")
	tenant := fs.String("tenant", "", "only tenant `T` and its sub-tenants")
	from := fs.String("from", "", "requests from `TIME`")
	to := fs.String("to", "", "requests before `TIME`")
	format := fs.String("format", "md", "`FORMAT`: md, csv, json or html")
	server := fs.String("server", "", "ask a running gateway at `URL` instead of reading the store")
	key := fs.String("key", os.Getenv("SWITCHBOARD_KEY"), "admin or auditor `KEY` for --server (default $SWITCHBOARD_KEY)")
	out := fs.String("out", "", "write to `FILE`")
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	if *id == "" {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "directive", Message: "--directive ID is required"}
	}
	switch *format {
	case audit.FormatMarkdown, audit.FormatCSV, audit.FormatJSON, audit.FormatHTML:
	default:
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "--format must be md, csv, json or html, not " + strconv.Quote(*format)}
	}
	var o audit.ComplianceOptions
	var err error
	o.Tenant = *tenant
	if o.From, err = audit.ParseTime("--from", *from); err != nil {
		return err
	}
	if o.To, err = audit.ParseTime("--to", *to); err != nil {
		return err
	}
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return &switchboard.Error{Code: switchboard.EINVALID, Param: "from", Message: "the time range is empty: --from must be before --to"}
	}
	var rep *audit.Compliance
	if *server != "" {
		rep, err = complianceFromServer(ctx, *server, *key, *id, *tenant, *from, *to)
	} else {
		rep, err = complianceFromStore(ctx, sf, *id, o)
	}
	if err != nil {
		return err
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
	return rep.Write(w, *format)
}

func complianceFromStore(ctx context.Context, sf storeFlags, id string, o audit.ComplianceOptions) (*audit.Compliance, error) {
	s, err := sf.open(ctx)
	if err != nil {
		return nil, err
	}
	defer s.close()
	st, err := s.state.Load(ctx)
	if err != nil {
		return nil, err
	}
	var d *switchboard.Directive
	for i := range st.Directives {
		if st.Directives[i].ID == id {
			d = &st.Directives[i]
		}
	}
	tenants := st.Tenants
	if s.cfg != nil {
		// The file's directives and tenants stand in for any the store
		// has not been bootstrapped with.
		for i := range s.cfg.Directives {
			if d == nil && s.cfg.Directives[i].ID == id {
				d = &s.cfg.Directives[i]
			}
		}
		if len(tenants) == 0 {
			tenants = s.cfg.TenantList()
		}
	}
	if d == nil {
		return nil, unknownDirective(id)
	}
	if s.cfg != nil {
		o.Adopters = s.cfg.Adoption[d.Subject.Vendor]
	}
	return audit.Report(ctx, s.audit, d, tenants, o, time.Now())
}

func unknownDirective(id string) error {
	return &switchboard.Error{Code: switchboard.ENOTFOUND, Param: "directive", Message: "unknown directive " + strconv.Quote(id) +
		": `switchboard directive list` (or GET /admin/v1/directives) shows the ids", Cause: errUnknownDirective}
}

func complianceFromServer(ctx context.Context, base, key, id, tenant, from, to string) (*audit.Compliance, error) {
	q := url.Values{"directive": {id}}
	for k, v := range map[string]string{"tenant": tenant, "from": from, "to": to} {
		if v != "" {
			q.Set(k, v)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/admin/v1/audit/compliance?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "cannot reach " + base, Cause: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message, Param string } `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return nil, &switchboard.Error{Code: e.Error.Code, Param: e.Error.Param, Message: e.Error.Message}
		}
		return nil, errors.New(resp.Status + ": " + string(b))
	}
	var rep audit.Compliance
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}
