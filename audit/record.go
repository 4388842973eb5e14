// Package audit is the tamper-evident audit trail: one hash-chained record
// per request and per admin action, signed checkpoints, a group-commit
// writer, verification, retention with legal holds, query and export, and
// the compliance evidence computed from it.
package audit

import (
	"bytes"
	"encoding/json"
	"time"
)

// Record kinds.
const (
	// KindRequest is one served or refused data-plane request.
	KindRequest = "request"
	// KindAdmin is one admin action (a switchboard.Change).
	KindAdmin = "admin"
	// KindSystem is an action of the audit trail itself: a prune, a legal
	// hold placed or released.
	KindSystem = "system"
)

// Record is one entry of the chain. Seq, PrevHash and Hash are assigned
// when it is appended; everything else is set by the writer's caller.
// Times are kept to the microsecond, the precision both stores share.
type Record struct {
	Seq  int64  `json:"seq"`
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// At is when the record was made (for a request: when it completed).
	At time.Time `json:"at"`
	// Start is when the request arrived (for an admin action: At).
	Start time.Time `json:"start"`

	Tenant         string `json:"tenant,omitempty"`
	KeyID          string `json:"key_id,omitempty"`
	EndUser        string `json:"end_user,omitempty"`
	Protocol       string `json:"protocol,omitempty"`
	RequestedModel string `json:"requested_model,omitempty"`
	ServedModel    string `json:"served_model,omitempty"`
	Vendor         string `json:"vendor,omitempty"`
	Provider       string `json:"provider,omitempty"`
	Channel        string `json:"channel,omitempty"`
	Directive      string `json:"directive,omitempty"`
	Waiver         string `json:"waiver,omitempty"`
	Outcome        string `json:"outcome,omitempty"`
	Reroute        string `json:"reroute,omitempty"`
	// SystemPrompt identifies the tenant's standing instructions that were
	// prepended ("sha256:…" of their text; the text and who set it are
	// kept with the tenant's prompts).
	SystemPrompt string    `json:"system_prompt,omitempty"`
	Findings     []Finding `json:"findings,omitempty"`
	Usage        Usage     `json:"usage"`
	Status       int       `json:"status,omitempty"`
	ErrorCode    string    `json:"error_code,omitempty"`
	Stream       bool      `json:"stream,omitempty"`
	Latency      Duration  `json:"latency_us,omitempty"`
	TTFB         Duration  `json:"ttfb_us,omitempty"`
	ContentRef   string    `json:"content_ref,omitempty"`
	ContentHash  string    `json:"content_hash,omitempty"`

	// Admin (and system) records: who did what to which object, why, and
	// the object before and after.
	Actor  string          `json:"actor,omitempty"`
	Action string          `json:"action,omitempty"`
	Object string          `json:"object,omitempty"`
	Reason string          `json:"reason,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`

	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Finding is what a guardrail found in a request: its type (pii.ssn,
// use.domestic_surveillance), the rule that matched and how many times.
type Finding struct {
	Type  string `json:"type"`
	Rule  string `json:"rule,omitempty"`
	Count int    `json:"count"`
}

// Usage is token usage as the provider reported it.
type Usage struct {
	Input      int `json:"input,omitempty"`
	Output     int `json:"output,omitempty"`
	CacheRead  int `json:"cache_read,omitempty"`
	CacheWrite int `json:"cache_write,omitempty"`
	Reasoning  int `json:"reasoning,omitempty"`
}

// Duration is a time.Duration kept in whole microseconds (JSON: a number).
type Duration int64

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) * time.Microsecond }

// Micros converts a time.Duration.
func Micros(d time.Duration) Duration { return Duration(d / time.Microsecond) }

// Reached reports whether the request was served by its vendor (a
// completed answer, or a stream that started): what compliance counts as
// "reached the vendor".
func (r *Record) Reached() bool {
	return r.Kind == KindRequest && r.Vendor != "" && r.Status > 0 && r.Status < 400
}

// normalize truncates times to the microsecond in UTC, so the hash computed
// before storing equals the hash recomputed after reading back.
func (r *Record) normalize() {
	r.At = r.At.UTC().Truncate(time.Microsecond)
	r.Start = r.Start.UTC().Truncate(time.Microsecond)
	if r.Start.IsZero() {
		r.Start = r.At
	}
	// Stores keep JSON compacted (encoding/json compacts a RawMessage), so
	// the hash is over the compact form.
	r.Before, r.After = compact(r.Before), compact(r.After)
}

func compact(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}
