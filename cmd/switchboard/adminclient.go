package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// adminClient talks to a running server's admin API (/admin/v1/).
type adminClient struct {
	server string
	key    string
	json   bool
	http   *http.Client
	stdout io.Writer
}

// adminFlags registers the flags every admin command shares and returns
// a function that builds the client once the flags are parsed.
func adminFlags(fs *flag.FlagSet, stdout io.Writer) func() *adminClient {
	def := os.Getenv("SWITCHBOARD_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	server := fs.String("server", def, "server `URL` (default $SWITCHBOARD_URL or http://127.0.0.1:8080)")
	key := fs.String("key", os.Getenv("SWITCHBOARD_KEY"), "admin `KEY` (default $SWITCHBOARD_KEY)")
	asJSON := fs.Bool("json", false, "print the server's JSON instead of a table")
	return func() *adminClient {
		return &adminClient{server: strings.TrimRight(*server, "/"), key: *key, json: *asJSON,
			http: &http.Client{Timeout: 60 * time.Second}, stdout: stdout}
	}
}

// parseArgs parses flags that may come before, between or after the
// positional arguments (switchboard directive stay ID --basis X) and
// returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// do sends one request and decodes the JSON answer into out. With --json
// the raw answer is printed as well and printed reports false. An error
// answer becomes the server's *switchboard.Error.
func (c *adminClient) do(ctx context.Context, method, path string, body, out any) (printed bool, err error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return false, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.server+"/admin/v1/"+path, rd)
	if err != nil {
		return false, fmt.Errorf("--server %q: %w", c.server, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, fmt.Errorf("cannot reach the server at %s (is `switchboard serve` running? set --server or SWITCHBOARD_URL): %w", c.server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return false, fmt.Errorf("reading the answer from %s: %w", c.server, err)
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
				Param   string `json:"param"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error != nil {
			return false, &switchboard.Error{Code: e.Error.Code, Message: e.Error.Message, Param: e.Error.Param, Status: resp.StatusCode}
		}
		return false, fmt.Errorf("%s %s: HTTP %d: %s", method, req.URL.Path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if c.json {
		_, err := c.stdout.Write(b)
		return true, err
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return false, fmt.Errorf("%s %s: unexpected answer: %w", method, req.URL.Path, err)
		}
	}
	return false, nil
}

// escapePath escapes each /-separated segment of an id (tenant ids
// contain "/", which the server's routes accept as is).
func escapePath(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// parseTime accepts RFC 3339 (2026-03-05T12:00:00Z) or a date (2026-03-05,
// midnight UTC).
func parseTime(flagName, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, fmt.Errorf("--%s %q is not an RFC 3339 time (2026-03-05T12:00:00Z) or a date (2026-03-05)", flagName, s)
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) }

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// usageError reports a command line mistake (exit status 2).
func usageError(stderr io.Writer, format string, args ...any) error {
	fmt.Fprintf(stderr, format+"\n", args...)
	return exitError(2)
}

// printChanges prints the change log as a table.
func printChanges(w io.Writer, cs []switchboard.Change) error {
	tw := table(w)
	fmt.Fprintln(tw, "SEQ\tAT\tACTOR\tACTION\tOBJECT\tREASON")
	for _, c := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", c.Seq, fmtTime(c.At), c.Actor, c.Action, c.ObjectID, dash(c.Reason))
	}
	return tw.Flush()
}

// changesCmd lists the change log for one kind of object.
func changesCmd(ctx context.Context, kind string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(kind+" changes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	client := adminFlags(fs, stdout)
	limit := fs.Int("limit", 0, "show at most `N` changes")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError(stderr, "%s changes: at most one id", kind)
	}
	q := url.Values{"kind": {kind}}
	if len(pos) == 1 {
		q.Set("object", pos[0])
	}
	if *limit > 0 {
		q.Set("limit", fmt.Sprint(*limit))
	}
	var out struct {
		Changes []switchboard.Change `json:"changes"`
	}
	printed, err := client().do(ctx, "GET", "changes?"+q.Encode(), nil, &out)
	if err != nil || printed {
		return err
	}
	if len(out.Changes) == 0 {
		fmt.Fprintln(stdout, "no changes recorded")
		return nil
	}
	return printChanges(stdout, out.Changes)
}
