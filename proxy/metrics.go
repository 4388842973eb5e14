package proxy

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the data plane's Prometheus series.
type Metrics struct {
	Requests       *prometheus.CounterVec
	Duration       *prometheus.HistogramVec
	TTFB           *prometheus.HistogramVec
	Tokens         *prometheus.CounterVec
	UpstreamErrors *prometheus.CounterVec
	InFlight       prometheus.Gauge
}

// NewMetrics registers the series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	buckets := []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_requests_total",
			Help: "Requests answered, by client protocol, provider, served model and status.",
		}, []string{"protocol", "provider", "model", "status"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchboard_request_duration_seconds",
			Help:    "Time from request to the last byte of the answer.",
			Buckets: buckets,
		}, []string{"protocol", "provider", "model"}),
		TTFB: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchboard_time_to_first_byte_seconds",
			Help:    "Time from request to the first byte of the answer.",
			Buckets: buckets,
		}, []string{"protocol", "provider", "model"}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_tokens_total",
			Help: "Tokens used, by provider, model and kind (input, output, cached, reasoning).",
		}, []string{"provider", "model", "kind"}),
		UpstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_upstream_errors_total",
			Help: "Failed upstream attempts, by provider, model and status (0 for a transport failure).",
		}, []string{"provider", "model", "status"}),
		InFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "switchboard_requests_in_flight",
			Help: "Requests being served now.",
		}),
	}
	reg.MustRegister(m.Requests, m.Duration, m.TTFB, m.Tokens, m.UpstreamErrors, m.InFlight)
	return m
}
