package audit

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Export formats.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// CSVHeader is the header row of a CSV export.
var CSVHeader = []string{"seq", "id", "kind", "start", "at", "tenant", "key_id", "end_user", "protocol", "requested_model",
	"served_model", "vendor", "provider", "channel", "directive", "waiver", "outcome", "reroute", "findings",
	"input_tokens", "output_tokens", "status", "error_code", "stream", "latency_ms", "ttfb_ms", "content_ref",
	"actor", "action", "object", "reason", "prev_hash", "hash"}

// Export writes the records matching f to w as JSON lines or CSV, each row
// as it is read (nothing is buffered beyond a write buffer), calling
// progress (when set) with the count written so far. It returns the count.
func Export(ctx context.Context, s Store, f Filter, format string, w io.Writer, progress func(n int64)) (int64, error) {
	if format != FormatJSONL && format != FormatCSV {
		return 0, &switchboard.Error{Code: switchboard.EINVALID, Param: "format", Message: "format must be jsonl or csv, not " + strconv.Quote(format)}
	}
	if err := f.Validate(); err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var n int64
	var emit func(r *Record) error
	if format == FormatJSONL {
		enc := json.NewEncoder(bw)
		emit = func(r *Record) error { return enc.Encode(r) }
	} else {
		cw := csv.NewWriter(bw)
		if err := cw.Write(CSVHeader); err != nil {
			return 0, err
		}
		emit = func(r *Record) error {
			if err := cw.Write(csvRow(r)); err != nil {
				return err
			}
			cw.Flush()
			return cw.Error()
		}
	}
	err := s.Query(ctx, f, func(r *Record) error {
		if err := emit(r); err != nil {
			return err
		}
		n++
		if n%256 == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
			if progress != nil {
				progress(n)
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if progress != nil {
		progress(n)
	}
	return n, bw.Flush()
}

func csvRow(r *Record) []string {
	fs := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		fs[i] = f.Type + ":" + f.Rule + ":" + strconv.Itoa(f.Count)
	}
	ms := func(d Duration) string { return strconv.FormatFloat(float64(d)/1000, 'f', 3, 64) }
	return []string{strconv.FormatInt(r.Seq, 10), r.ID, r.Kind, r.Start.Format(time.RFC3339Nano), r.At.Format(time.RFC3339Nano),
		r.Tenant, r.KeyID, r.EndUser, r.Protocol, r.RequestedModel, r.ServedModel, r.Vendor, r.Provider, r.Channel,
		r.Directive, r.Waiver, r.Outcome, r.Reroute, strings.Join(fs, ";"),
		strconv.Itoa(r.Usage.Input), strconv.Itoa(r.Usage.Output), strconv.Itoa(r.Status), r.ErrorCode, strconv.FormatBool(r.Stream),
		ms(r.Latency), ms(r.TTFB), r.ContentRef, r.Actor, r.Action, r.Object, r.Reason, r.PrevHash, r.Hash}
}
