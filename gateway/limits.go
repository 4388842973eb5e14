package gateway

import (
	"context"

	"github.com/switchboard-gov/switchboard/config"
	"github.com/switchboard-gov/switchboard/limits"
	"github.com/switchboard-gov/switchboard/redis"
)

// limiter is what both limit implementations offer: admission and
// settlement, and a configuration swap that keeps the counts so far.
type limiter interface {
	limits.Limiter
	SetConfig(limits.Config) error
}

// openLimiter shares limits through Redis when the configuration names
// one (every node must use the same Redis), and keeps them in-process
// otherwise (a single node).
func openLimiter(ctx context.Context, cfg *config.Config) (limiter, error) {
	if cfg.Redis == "" {
		return limits.NewMemory(cfg.Limits)
	}
	rdb, err := redis.Dial(ctx, cfg.Redis)
	if err != nil {
		return nil, err
	}
	return redis.New(rdb, cfg.Limits, redis.Options{Prefix: cfg.RedisPrefix})
}
