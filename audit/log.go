package audit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/proxy"
)

// Content capture modes, per tenant.
const (
	CaptureNone     = "none"
	CaptureRedacted = "redacted"
	CaptureFull     = "full"
)

// Options configure a Log.
type Options struct {
	Store  Store
	Signer *Signer
	// Async makes Record return as soon as the record is queued, before it
	// is committed: faster, but a crash loses the records not yet
	// committed (at most one batch plus the queue). The default, durable
	// mode returns only after the record's batch has committed.
	Async bool
	// AsyncLinger is how long, in async mode, the writer collects records
	// before committing them (default 10ms): no caller waits, so one
	// commit's fixed cost (the fsync, the index pages) is shared by every
	// record of the interval. It bounds how much more a crash can lose.
	AsyncLinger time.Duration
	// CheckpointEvery signs a checkpoint after this many records
	// (default 1000); CheckpointInterval after this long with records not
	// yet covered (default 1 minute).
	CheckpointEvery    int
	CheckpointInterval time.Duration
	// MaxBatch caps the records committed in one transaction (default
	// 1024); Queue is the number of records that may wait (default 8192).
	MaxBatch int
	Queue    int
	// Capture returns a tenant's content capture mode: none (default),
	// redacted or full.
	Capture func(tenant string) string
	// Redact rewrites text for the redacted mode; nil uses a built-in
	// scrubber of e-mail addresses, US SSNs and phone numbers.
	Redact func(string) string
	// Now is the clock for admin and system records (requests carry their
	// own times).
	Now    func() time.Time
	Logger *slog.Logger
}

// Log is the audit trail's writer: every record goes through one
// goroutine that batches all pending records into one transaction (group
// commit), so throughput stays high while each durable caller waits only
// for its own batch's commit.
type Log struct {
	opts  Options
	queue chan *pending
	done  chan struct{}
	force chan chan error

	mu     sync.Mutex
	closed bool
	// started counts the checkpoint interval of a chain with no
	// checkpoint yet.
	started time.Time
}

type pending struct {
	rec     *Record
	content *Content
	done    chan error // nil in async mode
}

// ErrClosed is returned by Record after Close.
var ErrClosed = &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the audit log is closed"}

var _ proxy.Recorder = (*Log)(nil)

// New starts a Log writing to opts.Store.
func New(opts Options) (*Log, error) {
	if opts.Store == nil || opts.Signer == nil {
		return nil, errors.New("audit: New needs a Store and a Signer")
	}
	if opts.CheckpointEvery <= 0 {
		opts.CheckpointEvery = 1000
	}
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = time.Minute
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 1024
	}
	if opts.Queue <= 0 {
		opts.Queue = 8192
	}
	if opts.AsyncLinger <= 0 {
		opts.AsyncLinger = 10 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Redact == nil {
		opts.Redact = Scrub
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Log{opts: opts, started: time.Now(), queue: make(chan *pending, opts.Queue), done: make(chan struct{}), force: make(chan chan error)}
	go l.run()
	return l, nil
}

// Store is the log's store.
func (l *Log) Store() Store { return l.opts.Store }

// Signer is the log's checkpoint signer.
func (l *Log) Signer() *Signer { return l.opts.Signer }

// Captures reports whether content is captured for tenant (the proxy
// then fills Record.Prompt and Record.Response).
func (l *Log) Captures(tenant string) bool { return l.captureMode(tenant) != CaptureNone }

func (l *Log) captureMode(tenant string) string {
	if l.opts.Capture == nil {
		return CaptureNone
	}
	switch m := l.opts.Capture(tenant); m {
	case CaptureRedacted, CaptureFull:
		return m
	}
	return CaptureNone
}

// Record implements proxy.Recorder: it appends the request's record and,
// per the tenant's capture mode, its content. In durable mode it returns
// after the record is committed.
func (l *Log) Record(ctx context.Context, pr *proxy.Record) error {
	r, c := l.fromProxy(pr)
	return l.Write(ctx, r, c)
}

// RecordAdmin appends the record of an admin action.
func (l *Log) RecordAdmin(ctx context.Context, ch switchboard.Change) error {
	at := ch.At
	if at.IsZero() {
		at = l.opts.Now()
	}
	object := ch.Kind
	if ch.ObjectID != "" {
		object += "/" + ch.ObjectID
	}
	r := &Record{ID: "chg_" + strconv.FormatInt(ch.Seq, 10), Kind: KindAdmin, At: at, Start: at,
		Actor: ch.Actor, Action: ch.Action, Object: object, Reason: ch.Reason, Before: ch.Before, After: ch.After}
	if ch.Seq == 0 {
		r.ID = newID("adm_")
	}
	return l.Write(ctx, r, nil)
}

// Write appends r (and c, when not nil) to the chain. In durable mode it
// returns once they are committed; in async mode once queued.
func (l *Log) Write(ctx context.Context, r *Record, c *Content) error {
	if r.Kind == "" {
		r.Kind = KindRequest
	}
	if r.ID == "" {
		r.ID = newID("rec_")
	}
	if r.At.IsZero() {
		r.At = l.opts.Now()
	}
	p := &pending{rec: r, content: c}
	if !l.opts.Async {
		p.done = make(chan error, 1)
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	// Sending under the lock keeps Close from closing the queue under a
	// sender; the writer never takes the lock, so this cannot deadlock.
	select {
	case l.queue <- p:
	case <-ctx.Done():
		l.mu.Unlock()
		return ctx.Err()
	}
	l.mu.Unlock()
	if p.done == nil {
		return nil
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Checkpoint commits everything queued and signs a checkpoint at the head
// (unless the head already has one).
func (l *Log) Checkpoint(ctx context.Context) error {
	errc := make(chan error, 1)
	select {
	case l.force <- errc:
	case <-l.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close commits what is queued, signs a final checkpoint and stops the
// writer. It does not close the store.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()
	<-l.done
	return nil
}

func (l *Log) run() {
	defer close(l.done)
	tick := time.NewTicker(l.opts.CheckpointInterval)
	defer tick.Stop()
	batch := make([]*pending, 0, l.opts.MaxBatch)
	// linger times async batches; it is stopped whenever not in use.
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	last := 0 // records in the previous batch
	for {
		select {
		case p, ok := <-l.queue:
			if !ok {
				_ = l.commit(nil, true)
				return
			}
			batch = append(batch[:0], p)
			open := true
			if l.opts.Async {
				batch, open = l.collect(batch, linger)
			} else {
				batch, open, _ = l.take(batch)
				if open && last > 1 {
					// The previous batch was shared: writers are concurrent.
					// Let the goroutines that are ready run first (a handler
					// about to write its record), then take what they queued,
					// so one commit's fixed cost is shared by more records. No
					// timer: a lone writer never waits, and nothing waits for
					// a clock.
					for range 4 {
						runtime.Gosched()
						var took bool
						if batch, open, took = l.take(batch); !open || !took {
							break
						}
					}
				}
			}
			last = len(batch)
			_ = l.commit(batch, false)
			clear(batch)
			if !open {
				_ = l.commit(nil, true)
				return
			}
		case errc := <-l.force:
			// Drain what is queued first so the checkpoint covers it.
			batch = batch[:0]
		more:
			for {
				select {
				case q, ok := <-l.queue:
					if !ok {
						break more
					}
					batch = append(batch, q)
				default:
					break more
				}
			}
			errc <- l.commit(batch, true)
			clear(batch)
		case <-tick.C:
			_ = l.commit(nil, false)
		}
	}
}

// collect appends to batch, in async mode, what arrives within
// AsyncLinger (nobody waits for the commit, so the interval's records
// share it), or until the batch is full. It reports whether the queue is
// still open.
func (l *Log) collect(batch []*pending, t *time.Timer) ([]*pending, bool) {
	t.Reset(l.opts.AsyncLinger)
	defer t.Stop()
	for len(batch) < l.opts.MaxBatch {
		select {
		case q, ok := <-l.queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, q)
		case <-t.C:
			return batch, true
		}
	}
	return batch, true
}

// take appends to batch what is queued right now, up to MaxBatch. It
// reports whether the queue is still open and whether it took anything.
func (l *Log) take(batch []*pending) (_ []*pending, open, took bool) {
	for len(batch) < l.opts.MaxBatch {
		select {
		case q, ok := <-l.queue:
			if !ok {
				return batch, false, took
			}
			batch, took = append(batch, q), true
		default:
			return batch, true, took
		}
	}
	return batch, true, took
}

// commit appends one batch; an empty batch only checkpoints (when due, or
// forced).
func (l *Log) commit(batch []*pending, force bool) error {
	b := &Batch{Records: make([]*Record, 0, len(batch))}
	for _, p := range batch {
		b.Records = append(b.Records, p.rec)
		if p.content != nil {
			b.Contents = append(b.Contents, *p.content)
		}
	}
	b.Seal = l.sealer(force)
	_, err := l.opts.Store.Append(context.Background(), b)
	if err != nil {
		l.opts.Logger.Error("audit: commit failed", "records", len(batch), "err", err)
		err = &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the audit trail could not record this request", Cause: err}
	}
	for _, p := range batch {
		if p.done != nil {
			p.done <- err
		}
	}
	return err
}

// sealer decides, inside the append's transaction, whether the new head
// gets a checkpoint: every CheckpointEvery records, after
// CheckpointInterval, or when forced — never twice for one head.
func (l *Log) sealer(force bool) func(before, after Head) *Checkpoint {
	return func(_, after Head) *Checkpoint {
		if after.Seq == 0 || after.Seq == after.CheckpointSeq {
			return nil
		}
		now := time.Now()
		last := l.started
		if after.CheckpointAt != 0 && time.UnixMicro(after.CheckpointAt).After(last) {
			last = time.UnixMicro(after.CheckpointAt)
		}
		due := force || after.Seq-after.CheckpointSeq >= int64(l.opts.CheckpointEvery) ||
			now.Sub(last) >= l.opts.CheckpointInterval
		if !due {
			return nil
		}
		return l.opts.Signer.Sign(after.Seq, after.Hash, now, CheckpointPeriodic)
	}
}

func (l *Log) fromProxy(p *proxy.Record) (*Record, *Content) {
	outcome := p.Route.Outcome
	if outcome == "" {
		outcome = "serve"
		if p.Status >= 400 || p.ErrorCode != "" {
			outcome = "error"
		}
	}
	r := &Record{
		ID: p.ID, Kind: KindRequest, Start: p.Start, At: p.Start.Add(p.Duration),
		Tenant: p.Principal.Tenant, KeyID: p.Principal.KeyID, EndUser: p.EndUser,
		Protocol: string(p.Protocol), RequestedModel: p.RequestedModel, ServedModel: p.ServedModel,
		Vendor: p.Vendor, Provider: p.Provider, Channel: p.Channel,
		Directive: p.Route.Directive, Waiver: p.Route.Waiver, Outcome: outcome, Reroute: p.Route.Reroute,
		Usage:  Usage{Input: p.Usage.Input, Output: p.Usage.Output, CacheRead: p.Usage.CacheRead, CacheWrite: p.Usage.CacheWrite, Reasoning: p.Usage.Reasoning},
		Status: p.Status, ErrorCode: p.ErrorCode, Stream: p.Stream,
		Latency: Micros(p.Duration), TTFB: Micros(p.TTFB),
		Findings:     proxyFindings(p),
		SystemPrompt: p.SystemPrompt,
	}
	if r.Status == 0 {
		r.Status = 200
	}
	prompt, response := proxyContent(p)
	return r, l.content(r, prompt, response)
}

// content builds the captured content of r per its tenant's mode, and
// makes r commit to it.
func (l *Log) content(r *Record, prompt, response string) *Content {
	mode := l.captureMode(r.Tenant)
	if mode == CaptureNone || (prompt == "" && response == "") {
		return nil
	}
	if mode == CaptureRedacted {
		prompt, response = l.opts.Redact(prompt), l.opts.Redact(response)
	}
	c := &Content{Ref: "cnt_" + r.ID, RecordID: r.ID, Tenant: r.Tenant, At: r.Start.UTC().Truncate(time.Microsecond),
		Mode: mode, Prompt: prompt, Response: response}
	r.ContentRef, r.ContentHash = c.Ref, ContentHash(c)
	return c
}

// ContentHash is the hash a record keeps of its content: hex SHA-256 over
// the length-prefixed mode, prompt and response.
func ContentHash(c *Content) string {
	h := sha256.New()
	for _, s := range []string{c.Mode, c.Prompt, c.Response} {
		h.Write([]byte(strconv.Itoa(len(s)) + ":"))
		h.Write([]byte(s))
	}
	return sum(h)
}

var scrubbers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`), "[EMAIL]"},
	{regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b`), "[SSN]"},
	{regexp.MustCompile(`\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b`), "[PHONE]"},
}

// Scrub is the default redactor: it replaces e-mail addresses, US social
// security numbers and North American phone numbers with placeholders.
func Scrub(s string) string {
	for _, sc := range scrubbers {
		s = sc.re.ReplaceAllString(s, sc.with)
	}
	return s
}

func newID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
