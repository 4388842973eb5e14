// Package audittest is the contract suite every audit.Store passes.
package audittest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
)

// Suite describes the store under test.
type Suite struct {
	// New returns an empty store, closed by the test's cleanup.
	New func(t *testing.T) audit.Store
	// Again, when set, opens a second handle to the same chain as s (as a
	// second gateway node would): several writers must keep one chain.
	Again func(t *testing.T, s audit.Store) audit.Store
	// Exec runs raw SQL against s's database (tampering tests).
	Exec func(t *testing.T, s audit.Store, sql string)
}

// Signer returns a fresh checkpoint signer.
func Signer(t testing.TB) *audit.Signer {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return audit.NewSigner(k)
}

var t0 = time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)

// Sample is the i-th sample request record: tenants, vendors and times
// vary with i.
func Sample(i int) *audit.Record {
	tenants := []string{"state", "state/statechat", "dod", "dod/nsa", "treasury"}
	vendors := []string{"anthropic", "openai", "google"}
	v := vendors[i%3]
	return &audit.Record{
		ID: fmt.Sprintf("req_%06d", i), Kind: audit.KindRequest,
		Start: t0.Add(time.Duration(i) * time.Minute), At: t0.Add(time.Duration(i)*time.Minute + 1500*time.Millisecond),
		Tenant: tenants[i%len(tenants)], KeyID: "key_1", EndUser: "user-7", Protocol: "openai",
		RequestedModel: "statechat", ServedModel: "m-" + v, Vendor: v, Provider: v, Channel: "direct",
		Directive: map[bool]string{true: "eop-2026-02-27"}[i%4 == 0], Outcome: "serve",
		SystemPrompt: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Findings:     []audit.Finding{{Type: "pii.ssn", Rule: "ssn-us", Count: 1 + i%2}},
		Usage:        audit.Usage{Input: 10 + i, Output: 20},
		Status:       200, Stream: i%2 == 0, Latency: audit.Micros(1500 * time.Millisecond), TTFB: audit.Micros(80 * time.Millisecond),
	}
}

func newLog(t *testing.T, s audit.Store, opts audit.Options) *audit.Log {
	t.Helper()
	opts.Store = s
	if opts.Signer == nil {
		opts.Signer = Signer(t)
	}
	l, err := audit.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func write(t *testing.T, l *audit.Log, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := l.Write(context.Background(), Sample(i), nil); err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, s audit.Store, keys ...ed25519.PublicKey) *audit.VerifyReport {
	t.Helper()
	rep, err := audit.Verify(context.Background(), s, audit.VerifyOptions{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Run runs the contract suite.
func Run(t *testing.T, s Suite) {
	ctx := context.Background()
	t.Run("AsyncLingersThenCommitsOnce", func(t *testing.T) {
		st := &countingStore{Store: s.New(t)}
		// A linger far longer than the writes take: all 20 land in one batch.
		l := newLog(t, st, audit.Options{Async: true, AsyncLinger: time.Hour})
		write(t, l, 0, 20)
		if head, err := st.Head(ctx); err != nil || head.Seq != 0 {
			t.Fatalf("head = %+v, %v: async writes committed before the linger ended", head, err)
		}
		// Close ends the linger: everything queued is committed and sealed.
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if rep := verify(t, st); !rep.OK || rep.Records != 20 || rep.Unsealed != 0 {
			t.Errorf("verify = %+v", rep)
		}
		if n := st.appends.Load(); n > 2 { // the batch, and perhaps the final checkpoint
			t.Errorf("%d appends for 20 async records; want them in one batch", n)
		}

		// A short linger commits without Close.
		st2 := s.New(t)
		l2 := newLog(t, st2, audit.Options{Async: true, AsyncLinger: time.Millisecond})
		write(t, l2, 0, 3)
		for i := 0; ; i++ {
			head, err := st2.Head(ctx)
			if err == nil && head.Seq == 3 {
				break
			}
			if i == 500 {
				t.Fatalf("head = %+v, %v: async records never committed", head, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("RoundTripAndVerify", func(t *testing.T) {
		st := s.New(t)
		sg := Signer(t)
		l := newLog(t, st, audit.Options{Signer: sg, CheckpointEvery: 7})
		write(t, l, 0, 30)
		if err := l.RecordAdmin(ctx, switchboard.Change{Seq: 4, At: t0, Actor: "key_9 (ops)", Action: "directive.stay", Kind: "directive",
			ObjectID: "eop-2026-02-27", Reason: "N.D. Cal. injunction", Before: json.RawMessage(`{"b": 1, "a": [1, 2]}`), After: json.RawMessage(`{"a":2}`)}); err != nil {
			t.Fatal(err)
		}
		if err := l.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		head, err := st.Head(ctx)
		if err != nil || head.Seq != 31 || head.CheckpointSeq != 31 {
			t.Fatalf("head = %+v, %v; want seq 31 checkpointed", head, err)
		}
		var got []*audit.Record
		if err := st.Scan(ctx, 0, func(r *audit.Record) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 31 {
			t.Fatalf("scanned %d records, want 31", len(got))
		}
		want := Sample(3)
		g := got[3]
		if g.Seq != 4 || g.ID != want.ID || g.Tenant != want.Tenant || g.Vendor != want.Vendor || !g.Start.Equal(want.Start) ||
			!g.At.Equal(want.At) || g.Usage != want.Usage || len(g.Findings) != 1 || g.Findings[0] != want.Findings[0] || g.TTFB != want.TTFB || g.Stream != want.Stream {
			t.Errorf("record 4 = %+v\nwant fields of %+v", g, want)
		}
		adm := got[30]
		if adm.Kind != audit.KindAdmin || adm.Actor != "key_9 (ops)" || adm.Object != "directive/eop-2026-02-27" || string(adm.Before) != `{"b":1,"a":[1,2]}` {
			t.Errorf("admin record = %+v", adm)
		}
		if got[0].PrevHash != audit.GenesisHash || got[1].PrevHash != got[0].Hash {
			t.Errorf("chain not linked: %s %s %s", got[0].PrevHash, got[1].PrevHash, got[0].Hash)
		}
		rep := verify(t, st, sg.Public())
		if !rep.OK || rep.Records != 31 || rep.Checkpoints < 5 || rep.Unsealed != 0 {
			t.Errorf("verify = %+v", rep)
		}
		// A key other than the signer's is not trusted.
		rep = verify(t, st, Signer(t).Public())
		if rep.OK || !strings.Contains(rep.Break.Problem, "not one of the trusted keys") {
			t.Errorf("verify with a foreign key = %+v", rep)
		}
	})

	t.Run("GroupCommitConcurrent", func(t *testing.T) {
		st := s.New(t)
		l := newLog(t, st, audit.Options{CheckpointEvery: 100})
		var wg sync.WaitGroup
		const writers, each = 32, 25
		errs := make(chan error, writers)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if err := l.Write(ctx, Sample(w*each+i), nil); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		// Durable mode: every Write that returned is committed.
		if n, err := st.Count(ctx, audit.Filter{}); err != nil || n != writers*each {
			t.Fatalf("count = %d, %v; want %d", n, err, writers*each)
		}
		if rep := verify(t, st); !rep.OK {
			t.Fatalf("verify: %+v", rep.Break)
		}
	})

	if s.Again != nil {
		t.Run("SeveralNodesOneChain", func(t *testing.T) {
			st := s.New(t)
			st2 := s.Again(t, st)
			l1 := newLog(t, st, audit.Options{CheckpointEvery: 50})
			l2 := newLog(t, st2, audit.Options{CheckpointEvery: 50})
			var wg sync.WaitGroup
			for n, l := range []*audit.Log{l1, l2} {
				for w := range 8 {
					wg.Go(func() {
						for i := range 20 {
							if err := l.Write(ctx, Sample(n*1000+w*20+i), nil); err != nil {
								t.Error(err)
								return
							}
						}
					})
				}
			}
			wg.Wait()
			if rep := verify(t, st); !rep.OK || rep.Records != 320 {
				t.Fatalf("verify after two nodes wrote = %+v %+v", rep, rep.Break)
			}
		})
	}

	t.Run("Async", func(t *testing.T) {
		st := s.New(t)
		l, err := audit.New(audit.Options{Store: st, Signer: Signer(t), Async: true})
		if err != nil {
			t.Fatal(err)
		}
		write(t, l, 0, 100)
		l.Close() // flushes
		if n, _ := st.Count(ctx, audit.Filter{}); n != 100 {
			t.Fatalf("async then Close: %d records, want 100", n)
		}
	})

	t.Run("Query", func(t *testing.T) {
		st := s.New(t)
		l := newLog(t, st, audit.Options{})
		write(t, l, 0, 60)
		ids := func(f audit.Filter) []string {
			var out []string
			if err := st.Query(ctx, f, func(r *audit.Record) error { out = append(out, r.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			return out
		}
		check := func(name string, f audit.Filter, keep func(i int, r *audit.Record) bool) {
			var want []string
			for i := range 60 {
				if keep(i, Sample(i)) {
					want = append(want, Sample(i).ID)
				}
			}
			if got := ids(f); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: got %v\nwant %v", name, got, want)
			}
			n, err := st.Count(ctx, f)
			if err != nil || n != int64(len(want)) {
				t.Errorf("%s: count = %d, %v; want %d", name, n, err, len(want))
			}
		}
		check("tenant", audit.Filter{Tenant: "dod"}, func(_ int, r *audit.Record) bool { return r.Tenant == "dod" })
		check("subtree", audit.Filter{Tenant: "dod", Subtree: true}, func(_ int, r *audit.Record) bool { return strings.HasPrefix(r.Tenant, "dod") })
		check("vendor", audit.Filter{Vendor: "openai"}, func(_ int, r *audit.Record) bool { return r.Vendor == "openai" })
		check("model", audit.Filter{Model: "m-google"}, func(_ int, r *audit.Record) bool { return r.ServedModel == "m-google" })
		check("directive", audit.Filter{Directive: "eop-2026-02-27"}, func(_ int, r *audit.Record) bool { return r.Directive != "" })
		check("range", audit.Filter{From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute)},
			func(i int, _ *audit.Record) bool { return i >= 10 && i < 20 })
		check("limit", audit.Filter{Vendor: "anthropic", Limit: 3}, func(i int, _ *audit.Record) bool { return i%3 == 0 && i < 9 })
		err := st.Query(ctx, audit.Filter{From: t0.Add(time.Hour), To: t0}, func(*audit.Record) error { return nil })
		var e *switchboard.Error
		if !errors.As(err, &e) || e.Code != switchboard.EINVALID || !strings.Contains(e.Message, "must be before") {
			t.Errorf("from after to: err = %v; want EINVALID naming the range", err)
		}
	})

	t.Run("Content", func(t *testing.T) {
		st := s.New(t)
		l := newLog(t, st, audit.Options{})
		r := Sample(1)
		c := &audit.Content{Ref: "cnt_" + r.ID, RecordID: r.ID, Tenant: r.Tenant, At: r.Start, Mode: audit.CaptureRedacted,
			Prompt: audit.Scrub("my SSN is 123-45-6789, mail a@b.gov"), Response: "ok"}
		r.ContentRef, r.ContentHash = c.Ref, audit.ContentHash(c)
		if err := l.Write(ctx, r, c); err != nil {
			t.Fatal(err)
		}
		got, err := st.Content(ctx, c.Ref)
		if err != nil || got.Prompt != "my SSN is [SSN], mail [EMAIL]" || audit.ContentHash(got) != r.ContentHash {
			t.Fatalf("content = %+v, %v", got, err)
		}
		if _, err := st.Content(ctx, "cnt_nope"); !isCode(err, switchboard.ENOTFOUND) {
			t.Errorf("missing content: err = %v, want ENOTFOUND", err)
		}
	})

	t.Run("HoldsAndPrune", func(t *testing.T) {
		st := s.New(t)
		sg := Signer(t)
		l := newLog(t, st, audit.Options{Signer: sg, CheckpointEvery: 10})
		write(t, l, 0, 40)
		if _, err := l.PlaceHold(ctx, audit.Hold{Reason: "nothing"}); !isCode(err, switchboard.EINVALID) || !strings.Contains(err.Error(), "hold on nothing") {
			t.Errorf("hold on nothing: err = %v", err)
		}
		// Hold dod/nsa's records from minute 25: pruning stops before
		// the first held record (seq 29: sample 28, dod/nsa).
		h, err := l.PlaceHold(ctx, audit.Hold{Tenant: "dod/nsa", From: t0.Add(25 * time.Minute), Reason: "FOIA litigation 26-cv-1", By: "counsel"})
		if err != nil {
			t.Fatal(err)
		}
		pol := &audit.Policy{Rules: []audit.Rule{{Item: "GRS 5.2 item 010", Class: audit.ClassMetadata, RetentionDays: 1, Type: audit.CreationAge}}}
		res, err := l.Prune(ctx, pol, "ops", t0.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Through != 28 || res.Records != 28 {
			t.Errorf("prune = %+v; want through 28 (the held dod/nsa record 29 stops it)", res)
		}
		rep := verify(t, st, sg.Public())
		if !rep.OK || rep.Anchor == nil || rep.Anchor.Seq != 28 || rep.From != 29 {
			t.Fatalf("verify after prune = %+v %+v", rep, rep.Break)
		}
		var notes []*audit.Record
		_ = st.Query(ctx, audit.Filter{Kind: audit.KindSystem}, func(r *audit.Record) error { notes = append(notes, r); return nil })
		if len(notes) != 2 || notes[0].Action != "audit.hold.place" || notes[1].Action != "audit.prune" || !strings.Contains(string(notes[1].After), `"records":28`) {
			t.Fatalf("system records = %+v", notes)
		}
		// Released, the hold no longer blocks; the second prune chains on.
		if err := l.ReleaseHold(ctx, h.ID, "counsel", "matter closed"); err != nil {
			t.Fatal(err)
		}
		if err := l.ReleaseHold(ctx, h.ID, "counsel", "again"); !isCode(err, switchboard.ENOTFOUND) {
			t.Errorf("release twice: %v, want ENOTFOUND", err)
		}
		res, err = l.Prune(ctx, pol, "ops", t0.Add(30*24*time.Hour))
		if err != nil || res.Through != 40 {
			t.Fatalf("second prune = %+v, %v; want through 40 (the request records; the system records are 41+)", res, err)
		}
		if rep := verify(t, st, sg.Public()); !rep.OK || rep.From != 41 {
			t.Fatalf("verify after second prune = %+v %+v", rep, rep.Break)
		}
	})

	if s.Exec != nil {
		t.Run("Tampering", func(t *testing.T) {
			for _, tc := range []struct {
				name, sql string
				seq       int64
				problem   string
			}{
				{"changed column", "UPDATE audit_records SET vendor = 'openai' WHERE seq = 12", 12, "contents were changed"},
				{"changed body", "UPDATE audit_records SET body = replace(body, '\"input\":21', '\"input\":1') WHERE seq = 12", 12, "contents were changed"},
				{"deleted row", "DELETE FROM audit_records WHERE seq = 12", 12, "records 12 to 12 were deleted"},
				{"deleted tail", "DELETE FROM audit_records WHERE seq >= 18", 18, "missing"},
				{"reordered rows", "UPDATE audit_records SET seq = -12 WHERE seq = 12; UPDATE audit_records SET seq = 12 WHERE seq = 13; UPDATE audit_records SET seq = 13 WHERE seq = -12", 12, "does not follow record 11"},
				{"forged checkpoint", "UPDATE audit_checkpoints SET hash = (SELECT hash FROM audit_records WHERE seq = 4) WHERE seq = 10", 10, "signature is invalid"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					st := s.New(t)
					sg := Signer(t)
					l := newLog(t, st, audit.Options{Signer: sg, CheckpointEvery: 5})
					write(t, l, 0, 20)
					if err := l.Checkpoint(ctx); err != nil {
						t.Fatal(err)
					}
					if rep := verify(t, st, sg.Public()); !rep.OK {
						t.Fatalf("before tampering: %+v", rep.Break)
					}
					for _, q := range strings.Split(tc.sql, "; ") {
						s.Exec(t, st, q)
					}
					rep := verify(t, st, sg.Public())
					if rep.OK || rep.Break.Seq != tc.seq || !strings.Contains(rep.Break.Problem, tc.problem) {
						t.Fatalf("after %s: verify = ok %v break %+v; want record %d: %q", tc.name, rep.OK, rep.Break, tc.seq, tc.problem)
					}
				})
			}
		})
	}
}

func isCode(err error, code string) bool {
	var e *switchboard.Error
	return errors.As(err, &e) && e.Code == code
}

// countingStore counts the appends reaching a store.
type countingStore struct {
	audit.Store
	appends atomic.Int64
}

func (c *countingStore) Append(ctx context.Context, b *audit.Batch) (audit.Head, error) {
	c.appends.Add(1)
	return c.Store.Append(ctx, b)
}
