package audit

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The helpers below are for Store implementations: they keep the two
// stores' encodings identical.

// MarshalBody encodes r for a store's body column: every field but Seq,
// PrevHash and Hash, which stores keep in their own columns.
func MarshalBody(r *Record) (string, error) {
	c := *r
	c.Seq, c.PrevHash, c.Hash = 0, "", ""
	b, err := json.Marshal(&c)
	return string(b), err
}

// Row is a stored record's columns. A store reads them and UnmarshalRow
// rebuilds the record: the indexed columns override the body, so a change
// to either changes the record (and breaks its hash).
type Row struct {
	Seq                                                    int64
	ID, Kind                                               string
	StartMicros                                            int64
	Tenant, Vendor, RequestedModel, ServedModel, Directive string
	Body                                                   string
	PrevHash, Hash                                         string
}

// UnmarshalRow rebuilds a record from its row.
func UnmarshalRow(row *Row, r *Record) error {
	*r = Record{}
	if err := json.Unmarshal([]byte(row.Body), r); err != nil {
		return err
	}
	r.Seq, r.ID, r.Kind = row.Seq, row.ID, row.Kind
	r.Start = time.UnixMicro(row.StartMicros).UTC()
	r.At = r.At.UTC()
	r.Tenant, r.Vendor, r.RequestedModel, r.ServedModel, r.Directive = row.Tenant, row.Vendor, row.RequestedModel, row.ServedModel, row.Directive
	r.PrevHash, r.Hash = row.PrevHash, row.Hash
	return nil
}

// RowOf is the row a record is stored as.
func RowOf(r *Record) (Row, error) {
	body, err := MarshalBody(r)
	return Row{Seq: r.Seq, ID: r.ID, Kind: r.Kind, StartMicros: r.Start.UnixMicro(), Tenant: r.Tenant, Vendor: r.Vendor,
		RequestedModel: r.RequestedModel, ServedModel: r.ServedModel, Directive: r.Directive, Body: body,
		PrevHash: r.PrevHash, Hash: r.Hash}, err
}

// Where renders f as a SQL condition over the audit_records columns, with
// placeholders made by ph (1-based: "?" for SQLite, "$n" for Postgres).
func (f *Filter) Where(ph func(n int) string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, vals ...any) {
		for _, v := range vals {
			args = append(args, v)
			cond = strings.Replace(cond, "#", ph(len(args)), 1)
		}
		conds = append(conds, cond)
	}
	if f.Tenant != "" {
		if f.Subtree {
			add("(tenant = # OR substr(tenant, 1, #) = #)", f.Tenant, int64(len(f.Tenant)+1), f.Tenant+"/")
		} else {
			add("tenant = #", f.Tenant)
		}
	}
	if f.Vendor != "" {
		add("vendor = #", f.Vendor)
	}
	if f.Model != "" {
		add("(requested_model = # OR served_model = #)", f.Model, f.Model)
	}
	if f.Directive != "" {
		add("directive = #", f.Directive)
	}
	if f.Kind != "" {
		add("kind = #", f.Kind)
	}
	if !f.From.IsZero() {
		add("start_us >= #", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		add("start_us < #", f.To.UnixMicro())
	}
	if f.AfterSeq > 0 {
		add("seq > #", f.AfterSeq)
	}
	w := "TRUE"
	if len(conds) > 0 {
		w = strings.Join(conds, " AND ")
	}
	return w, args
}

// Tail is the ORDER BY and LIMIT clause of a query by f.
func (f *Filter) Tail() string {
	if f.Limit > 0 {
		return " ORDER BY seq LIMIT " + strconv.Itoa(f.Limit)
	}
	return " ORDER BY seq"
}

// Held reports whether a record of tenant made at start is under one of
// the holds.
func Held(holds []Hold, tenant string, start time.Time) bool {
	r := Record{Tenant: tenant, Start: start}
	for i := range holds {
		if holds[i].Covers(&r) {
			return true
		}
	}
	return false
}
