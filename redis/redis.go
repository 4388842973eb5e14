// Package redis implements limits.Limiter on Redis, shared by every gateway
// node: each admission and each settlement is one atomic Lua script.
package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/llm"
)

// DefaultPrefix starts every key the limiter writes. The braces are a
// Redis Cluster hash tag: every key lands in one slot, as a multi-key
// script requires.
const DefaultPrefix = "switchboard:{limits}:"

// Options configure a Limiter.
type Options struct {
	// Prefix starts every key; DefaultPrefix when empty. On Redis Cluster
	// it must contain a hash tag ({...}).
	Prefix string
	// SpendRetention is how long after its period ends a spend counter is
	// kept for reports; limits.SpendRetention when zero.
	SpendRetention time.Duration
}

// Limiter is the Redis limits.Limiter. Every node's Limiter on the same
// Redis and prefix shares the same windows and budgets.
//
// Keys, under the prefix: w:<scope> is a window's log (a sorted set of
// "<tokens>:<ticket>" scored by admission time in ms), n:<scope> its token
// sum, both expiring a minute after the last admission; s:<period>:<start
// unix>:<tenant> is a spend hash (t tokens, u dollars) expiring
// SpendRetention after the period ends. Window math uses the time passed
// in, never the server's clock.
type Limiter struct {
	rdb       goredis.UniversalClient
	prefix    string
	retention time.Duration
	cfg       atomic.Pointer[limits.Config]
}

var _ limits.Limiter = (*Limiter)(nil)

// New returns a Limiter enforcing cfg on rdb, or an EINVALID error naming
// the field at fault.
func New(rdb goredis.UniversalClient, cfg limits.Config, opts Options) (*Limiter, error) {
	l := &Limiter{rdb: rdb, prefix: opts.Prefix, retention: opts.SpendRetention}
	if l.prefix == "" {
		l.prefix = DefaultPrefix
	}
	if l.retention <= 0 {
		l.retention = limits.SpendRetention
	}
	if err := l.SetConfig(cfg); err != nil {
		return nil, err
	}
	return l, nil
}

// Dial connects to the Redis at url (redis://[user:password@]host:port/db
// or rediss:// for TLS) and checks that it answers.
func Dial(ctx context.Context, url string) (*goredis.Client, error) {
	o, err := goredis.ParseURL(url)
	if err != nil {
		return nil, &switchboard.Error{Code: switchboard.EINVALID, Param: "redis", Message: "redis: not a Redis URL (redis://host:port/db): " + err.Error()}
	}
	c := goredis.NewClient(o)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, unavailable(err)
	}
	return c, nil
}

// Close closes the Redis client.
func (l *Limiter) Close() error { return l.rdb.Close() }

// SetConfig replaces the limits in force; the counts so far are kept. It
// returns an EINVALID error, and changes nothing, when cfg is invalid.
func (l *Limiter) SetConfig(cfg limits.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	l.cfg.Store(&cfg)
	return nil
}

// Admit implements limits.Limiter with one script call that checks every
// limit and counts the request in every window, or in none.
func (l *Limiter) Admit(ctx context.Context, r limits.Request) (limits.Ticket, error) {
	plan, err := l.cfg.Load().Plan(r)
	if err != nil {
		return limits.Ticket{}, err
	}
	est := max(r.EstimatedTokens, 0)
	t := limits.Ticket{ID: newID(), KeyID: r.KeyID, Tenant: r.Tenant, Ancestors: r.Ancestors, Model: r.Model, Estimated: est, At: r.Now}
	nw, nb := len(plan.Windows), len(plan.Budgets)
	if nw+nb == 0 {
		return t, nil
	}
	keys := make([]string, 0, 2*nw+nb)
	args := make([]any, 0, 6+2*nw+2*nb)
	args = append(args, r.Now.UnixMilli(), limits.Window.Milliseconds(), t.ID, est, nw, nb)
	for _, w := range plan.Windows {
		sk := w.Scope.Key()
		keys = append(keys, l.prefix+"w:"+sk, l.prefix+"n:"+sk)
		args = append(args, w.RPM, w.TPM)
	}
	for _, b := range plan.Budgets {
		keys = append(keys, l.spendKey(b.Tenant, b.Budget.Period, b.Start))
		args = append(args, b.Budget.Tokens, strconv.FormatFloat(b.Budget.USD, 'f', -1, 64))
	}
	res, err := admitScript.Run(ctx, l.rdb, keys, args...).Int64Slice()
	if err != nil {
		return limits.Ticket{}, unavailable(err)
	}
	if len(res) == 0 {
		return t, nil
	}
	refusals := make([]limits.Refusal, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		idx, kind, wait := int(res[i])-1, res[i+1], time.Duration(res[i+2])*time.Millisecond
		switch kind {
		case 1:
			refusals = append(refusals, limits.WindowRefusal(plan.Windows[idx], limits.LimitRPM, wait))
		case 2:
			refusals = append(refusals, limits.WindowRefusal(plan.Windows[idx], limits.LimitTPM, wait))
		case 3:
			refusals = append(refusals, limits.BudgetRefusal(plan.Budgets[idx-nw], limits.LimitBudgetTokens, r.Now))
		case 4:
			refusals = append(refusals, limits.BudgetRefusal(plan.Budgets[idx-nw], limits.LimitBudgetUSD, r.Now))
		}
	}
	return limits.Ticket{}, limits.Refuse(refusals)
}

// Settle implements limits.Limiter with one script call.
func (l *Limiter) Settle(ctx context.Context, t limits.Ticket, u llm.Usage, costUSD float64) error {
	if err := limits.CheckSettle(t, costUSD); err != nil {
		return err
	}
	chain, tenants := t.Chain(), t.Tenants()
	ns := len(tenants) * len(limits.Periods)
	keys := make([]string, 0, 2*len(chain)+ns)
	args := make([]any, 0, 6+ns)
	args = append(args, t.ID, max(t.Estimated, 0), max(u.Total(), 0), len(chain), ns, strconv.FormatFloat(costUSD, 'f', -1, 64))
	for _, s := range chain {
		sk := s.Key()
		keys = append(keys, l.prefix+"w:"+sk, l.prefix+"n:"+sk)
	}
	for _, tenant := range tenants {
		for _, p := range limits.Periods {
			keys = append(keys, l.spendKey(tenant, p, p.Start(t.At)))
			// Relative to the admission time, not a wall-clock deadline, so
			// a fake clock in the past never expires a counter at once.
			args = append(args, (p.End(t.At).Sub(t.At) + l.retention).Milliseconds())
		}
	}
	if err := settleScript.Run(ctx, l.rdb, keys, args...).Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

// Spend implements limits.Limiter.
func (l *Limiter) Spend(ctx context.Context, tenant string, p limits.Period, now time.Time) (limits.Spend, error) {
	if !p.Valid() {
		return limits.Spend{}, &switchboard.Error{Code: switchboard.EINVALID, Param: "period",
			Message: "period: unknown period " + strconv.Quote(string(p)) + "; use day, week or month"}
	}
	v, err := l.rdb.HMGet(ctx, l.spendKey(tenant, p, p.Start(now)), "t", "u").Result()
	if err != nil {
		return limits.Spend{}, unavailable(err)
	}
	var s limits.Spend
	if str, ok := v[0].(string); ok {
		s.Tokens, _ = strconv.ParseInt(str, 10, 64)
	}
	if str, ok := v[1].(string); ok {
		s.USD, _ = strconv.ParseFloat(str, 64)
	}
	return s, nil
}

func (l *Limiter) spendKey(tenant string, p limits.Period, start time.Time) string {
	return l.prefix + "s:" + string(p) + ":" + strconv.FormatInt(start.Unix(), 10) + ":" + tenant
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func unavailable(err error) *switchboard.Error {
	return &switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "the rate limiter's Redis is unreachable; try again shortly", Cause: err}
}
