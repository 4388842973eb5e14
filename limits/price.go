package limits

import (
	"math"
	"strconv"

	"github.com/switchboard-gov/switchboard/llm"
)

// Prices is the price table: model id to its price. It is the prices
// section of the configuration file:
//
//	prices:
//	  gpt-4o: {input: 2.50, output: 10.00, cached: 1.25}
type Prices map[string]Price

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	// Input is the price of input tokens that were not read from the
	// provider's prompt cache (cache writes are billed at this rate).
	Input float64 `yaml:"input" json:"input"`
	// Output is the price of output tokens, reasoning included.
	Output float64 `yaml:"output" json:"output"`
	// Cached is the price of input tokens read from the prompt cache. When
	// unset, cached tokens are billed at the input rate.
	Cached *float64 `yaml:"cached" json:"cached,omitempty"`
}

// Cost returns the spend in US dollars of usage on model: cached input
// tokens at the cached rate, the rest of the input at the input rate and
// the output at the output rate. A model without a price costs 0; use
// Lookup to tell it apart from a free one.
func (p Prices) Cost(model string, u llm.Usage) float64 {
	pr, ok := p[model]
	if !ok {
		return 0
	}
	return pr.Cost(u)
}

// Lookup returns the price of model and whether the table has one.
func (p Prices) Lookup(model string) (Price, bool) {
	pr, ok := p[model]
	return pr, ok
}

// Cost returns the spend in US dollars of usage at this price.
func (pr Price) Cost(u llm.Usage) float64 {
	cached := min(max(u.CacheRead, 0), max(u.Input, 0))
	fresh := max(u.Input, 0) - cached
	cachedRate := pr.Input
	if pr.Cached != nil {
		cachedRate = *pr.Cached
	}
	return (float64(fresh)*pr.Input + float64(cached)*cachedRate + float64(max(u.Output, 0))*pr.Output) / 1e6
}

// Validate returns an EINVALID error naming the first negative or
// non-finite price (for example prices.gpt-4o.output).
func (p Prices) Validate() error {
	for _, m := range sortedKeys(p) {
		pr := p[m]
		path := "prices." + m
		if m == "" {
			return invalid("prices", "a model id must not be empty")
		}
		if err := checkPrice(path+".input", pr.Input); err != nil {
			return err
		}
		if err := checkPrice(path+".output", pr.Output); err != nil {
			return err
		}
		if pr.Cached != nil {
			if err := checkPrice(path+".cached", *pr.Cached); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkPrice(path string, v float64) error {
	if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return invalid(path, "must be a non-negative number of US dollars per million tokens, got "+strconv.FormatFloat(v, 'f', -1, 64))
	}
	return nil
}
