package gateway

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/postgres"
)

// syncMetrics say whether the node's view of the store is current.
type syncMetrics struct {
	storeUp prometheus.Gauge
	stale   prometheus.Gauge
	version prometheus.Gauge
	refresh prometheus.Counter
}

func newSyncMetrics(reg prometheus.Registerer) *syncMetrics {
	m := &syncMetrics{
		storeUp: prometheus.NewGauge(prometheus.GaugeOpts{Name: "switchboard_store_up",
			Help: "1 when the state store answered the last check, 0 when it did not."}),
		stale: prometheus.NewGauge(prometheus.GaugeOpts{Name: "switchboard_snapshot_stale",
			Help: "1 while the node serves from its last snapshot because the store is unreachable (fail-static)."}),
		version: prometheus.NewGauge(prometheus.GaugeOpts{Name: "switchboard_snapshot_version",
			Help: "The state version (change sequence) of the snapshot in use."}),
		refresh: prometheus.NewCounter(prometheus.CounterOpts{Name: "switchboard_snapshot_refreshes_total",
			Help: "Snapshots rebuilt after a change made here or on another node."}),
	}
	reg.MustRegister(m.storeUp, m.stale, m.version, m.refresh)
	return m
}

// watch keeps this node's snapshot in step with the shared store. On
// Postgres it LISTENs for changes made by any node, so a change takes
// effect everywhere within moments; on every store it also compares the
// version every interval, so a node that missed a notification (a dropped
// connection, a restart) catches up from the version. It also watches the
// store's health: when the store cannot be reached the node serves from its
// last snapshot (fail-static, the default) or refuses requests
// (fail-closed), as configured.
func (g *Gateway) watch(ctx context.Context, interval time.Duration) {
	if db, ok := unwrapStore(g.store).(*postgres.DB); ok {
		go func() {
			for ctx.Err() == nil {
				err := db.Listen(ctx, func(seq int64) {
					if seq > g.Version() {
						g.sync(ctx, "notification")
					}
				})
				if err != nil {
					g.opts.Logger.Warn("change notifications interrupted; polling the version meanwhile", "err", err)
				}
				select {
				case <-ctx.Done():
				case <-time.After(interval):
				}
			}
		}()
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.sync(ctx, "poll")
		}
	}
}

// sync checks the store's version and rebuilds the snapshot when another
// node (or process) changed the state.
func (g *Gateway) sync(ctx context.Context, why string) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	v, err := g.store.Version(cctx)
	if err != nil {
		g.storeDown(err)
		return
	}
	g.storeUp()
	if g.web != nil {
		// Tenant system prompts live beside conversations, outside the
		// versioned state: reread them on every poll.
		if err := g.web.ReloadPrompts(cctx); err != nil {
			g.opts.Logger.Warn("tenant system prompts not reloaded", "err", err)
		}
	}
	if v == g.Version() {
		return
	}
	if err := g.refresh(cctx); err != nil {
		g.opts.Logger.Error("state changed but the new snapshot could not be built; the previous one stays in force", "trigger", why, "err", err)
		return
	}
	g.sm.refresh.Inc()
	g.opts.Logger.Info("snapshot refreshed from the store", "trigger", why, "version", g.Version())
}

func (g *Gateway) storeDown(err error) {
	if g.sm.storeUp != nil {
		g.sm.storeUp.Set(0)
	}
	if g.Config().Gateway.StoreOutage == "closed" {
		g.proxy.SetUnavailable(&switchboard.Error{Code: switchboard.EUNAVAILABLE,
			Message: "the gateway cannot reach its policy store and is configured to refuse requests until it is back; try again shortly"})
		return
	}
	g.sm.stale.Set(1)
	g.opts.Logger.Warn("the state store is unreachable; serving from the last snapshot (fail-static)", "err", err)
}

func (g *Gateway) storeUp() {
	g.sm.storeUp.Set(1)
	g.sm.stale.Set(0)
	g.proxy.SetUnavailable(nil)
}

// Version is the state version of the snapshot in use.
func (g *Gateway) Version() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.version
}

// unwrapStore returns the store under the audit decorator.
func unwrapStore(s switchboard.Store) switchboard.Store {
	if a, ok := s.(auditedStore); ok {
		return a.Store
	}
	return s
}
