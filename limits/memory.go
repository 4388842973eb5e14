package limits

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
)

// SpendRetention is how long after its period ends a spend counter is
// kept for reports before it is dropped.
const SpendRetention = 400 * 24 * time.Hour

// sweepEvery is how many admissions (or settlements) pass between sweeps
// of idle windows (or expired spend counters).
const sweepEvery = 4096

// Memory is the in-process Limiter for a single node. All of its state is
// behind one mutex, so an admission checks and counts every limit it
// touches atomically.
type Memory struct {
	cfg atomic.Pointer[Config]

	mu       sync.Mutex
	seq      uint64
	windows  map[scopeKey]*window
	spend    map[spendKey]*spendEntry
	admits   int
	settles  int
	scratch  []*window
	refusals []Refusal
}

var _ Limiter = (*Memory)(nil)

type scopeKey struct {
	kind ScopeKind
	id   string
}

type spendKey struct {
	tenant string
	period Period
	start  int64
}

type spendEntry struct {
	Spend
	end time.Time
}

// window is a sliding window log: the requests admitted in the last
// minute, oldest first, and the sum of their tokens.
type window struct {
	entries []entry
	head    int
	sum     int64
}

type entry struct {
	at     int64 // UnixNano; never decreases along the log
	tokens int64
	seq    uint64
}

// NewMemory returns an in-process limiter enforcing cfg, or an EINVALID
// error naming the field at fault.
func NewMemory(cfg Config) (*Memory, error) {
	m := &Memory{windows: make(map[scopeKey]*window), spend: make(map[spendKey]*spendEntry)}
	if err := m.SetConfig(cfg); err != nil {
		return nil, err
	}
	return m, nil
}

// SetConfig replaces the limits in force; the counts so far are kept. It
// returns an EINVALID error, and changes nothing, when cfg is invalid.
func (m *Memory) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	m.cfg.Store(&cfg)
	return nil
}

// Admit implements Limiter.
func (m *Memory) Admit(_ context.Context, r Request) (Ticket, error) {
	plan, err := m.cfg.Load().Plan(r)
	if err != nil {
		return Ticket{}, err
	}
	now := r.Now.UnixNano()
	cutoff := now - int64(Window)
	est := int64(max(r.EstimatedTokens, 0))

	m.mu.Lock()
	defer m.mu.Unlock()
	ws := m.scratch[:0]
	refusals := m.refusals[:0]
	for _, wc := range plan.Windows {
		k := scopeKey{wc.Scope.Kind, wc.Scope.ID}
		w := m.windows[k]
		if w == nil {
			w = &window{}
			m.windows[k] = w
		}
		w.prune(cutoff)
		ws = append(ws, w)
		live := w.entries[w.head:]
		if wc.RPM > 0 && len(live) >= wc.RPM {
			oldest := live[len(live)-wc.RPM]
			refusals = append(refusals, WindowRefusal(wc, LimitRPM, time.Duration(oldest.at+int64(Window)-now)))
		}
		if wc.TPM > 0 && w.sum+est > int64(wc.TPM) {
			need, freed, wait := w.sum+est-int64(wc.TPM), int64(0), Window
			for _, e := range live {
				if freed += e.tokens; freed >= need {
					wait = time.Duration(e.at + int64(Window) - now)
					break
				}
			}
			refusals = append(refusals, WindowRefusal(wc, LimitTPM, wait))
		}
	}
	for _, b := range plan.Budgets {
		s := m.spend[spendKey{b.Tenant, b.Budget.Period, b.Start.Unix()}]
		if s == nil {
			continue
		}
		if b.Budget.Tokens > 0 && s.Tokens >= b.Budget.Tokens {
			refusals = append(refusals, BudgetRefusal(b, LimitBudgetTokens, r.Now))
		}
		if b.Budget.USD > 0 && s.USD >= b.Budget.USD {
			refusals = append(refusals, BudgetRefusal(b, LimitBudgetUSD, r.Now))
		}
	}
	m.scratch, m.refusals = ws, refusals
	if len(refusals) > 0 {
		return Ticket{}, Refuse(refusals)
	}

	m.seq++
	for _, w := range ws {
		at := now
		if n := len(w.entries); n > w.head && w.entries[n-1].at > at {
			at = w.entries[n-1].at
		}
		w.entries = append(w.entries, entry{at: at, tokens: est, seq: m.seq})
		w.sum += est
	}
	if m.admits++; m.admits%sweepEvery == 0 {
		m.sweepWindows(cutoff)
	}
	return Ticket{
		ID: strconv.FormatUint(m.seq, 10), KeyID: r.KeyID, Tenant: r.Tenant, Ancestors: r.Ancestors,
		Model: r.Model, Estimated: int(est), At: r.Now,
	}, nil
}

// Settle implements Limiter.
func (m *Memory) Settle(_ context.Context, t Ticket, u llm.Usage, costUSD float64) error {
	if err := checkSettle(t, costUSD); err != nil {
		return err
	}
	seq, err := strconv.ParseUint(t.ID, 10, 64)
	if err != nil {
		return &switchboard.Error{Code: switchboard.EINTERNAL, Message: "internal error; the gateway logged the details", Cause: err}
	}
	actual := int64(max(u.Total(), 0))

	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range t.Chain() {
		if w := m.windows[scopeKey{s.Kind, s.ID}]; w != nil {
			w.correct(seq, actual)
		}
	}
	for _, tenant := range t.Tenants() {
		for _, p := range Periods {
			k := spendKey{tenant, p, p.Start(t.At).Unix()}
			s := m.spend[k]
			if s == nil {
				s = &spendEntry{end: p.End(t.At)}
				m.spend[k] = s
			}
			s.Tokens += actual
			s.USD += costUSD
		}
	}
	if m.settles++; m.settles%sweepEvery == 0 {
		for k, s := range m.spend {
			if t.At.Sub(s.end) > SpendRetention {
				delete(m.spend, k)
			}
		}
	}
	return nil
}

// Spend implements Limiter.
func (m *Memory) Spend(_ context.Context, tenant string, p Period, now time.Time) (Spend, error) {
	if !p.Valid() {
		return Spend{}, invalid("period", "unknown period "+strconv.Quote(string(p))+"; use day, week or month")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.spend[spendKey{tenant, p, p.Start(now).Unix()}]; s != nil {
		return s.Spend, nil
	}
	return Spend{}, nil
}

func checkSettle(t Ticket, costUSD float64) error {
	if t.ID == "" || t.At.IsZero() {
		return &switchboard.Error{Code: switchboard.EINTERNAL, Message: "internal error; the gateway logged the details", Cause: errBadTicket}
	}
	if costUSD < 0 || math.IsNaN(costUSD) || math.IsInf(costUSD, 0) {
		return &switchboard.Error{Code: switchboard.EINTERNAL, Message: "internal error; the gateway logged the details",
			Cause: fmt.Errorf("limits: Settle called with cost %v; want a non-negative number of dollars", costUSD)}
	}
	return nil
}

// CheckSettle returns an error when a Settle call is malformed: a ticket
// that Admit did not return, or a negative or non-finite cost.
// Implementations call it first.
func CheckSettle(t Ticket, costUSD float64) error { return checkSettle(t, costUSD) }

// prune drops the entries at or before cutoff: an entry admitted at t
// leaves the window at t+Window.
func (w *window) prune(cutoff int64) {
	for w.head < len(w.entries) && w.entries[w.head].at <= cutoff {
		w.sum -= w.entries[w.head].tokens
		w.head++
	}
	if w.head == len(w.entries) {
		w.entries, w.head = w.entries[:0], 0
	} else if w.head > 64 && w.head*2 > len(w.entries) {
		n := copy(w.entries, w.entries[w.head:])
		w.entries, w.head = w.entries[:n], 0
	}
}

// correct sets the tokens of the entry with seq to actual, if it is still
// in the window. Entries are appended in seq order, so the log is sorted
// by seq.
func (w *window) correct(seq uint64, actual int64) {
	live := w.entries[w.head:]
	i := sort.Search(len(live), func(i int) bool { return live[i].seq >= seq })
	if i < len(live) && live[i].seq == seq {
		w.sum += actual - live[i].tokens
		live[i].tokens = actual
	}
}

func (m *Memory) sweepWindows(cutoff int64) {
	for k, w := range m.windows {
		if w.prune(cutoff); w.head == len(w.entries) {
			delete(m.windows, k)
		}
	}
}
