package limits

import (
	"errors"
	"strconv"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

var (
	errNoTime    = errors.New("limits: Request.Now is zero; the caller must inject the time")
	errBadTicket = errors.New("limits: Settle called with a ticket that Admit did not return")
)

// Which limit a Refusal is about.
const (
	LimitRPM          = "rpm"
	LimitTPM          = "tpm"
	LimitBudgetTokens = "budget_tokens"
	LimitBudgetUSD    = "budget_usd"
)

// Refusal is one limit that refused an admission.
type Refusal struct {
	Scope Scope
	// Limit is LimitRPM, LimitTPM, LimitBudgetTokens or LimitBudgetUSD.
	Limit string
	// RPM, TPM or Budget holds the limit's value, by Limit.
	RPM, TPM int
	Budget   Budget
	// Wait is how long until the limit frees: the oldest counted request
	// leaving the window, or the budget period resetting.
	Wait time.Duration
	// Resets is when a budget's period ends.
	Resets time.Time
}

// WindowRefusal returns the refusal of window check w for limit (LimitRPM or
// LimitTPM), freeing after wait.
func WindowRefusal(w WindowCheck, limit string, wait time.Duration) Refusal {
	return Refusal{Scope: w.Scope, Limit: limit, RPM: w.RPM, TPM: w.TPM, Wait: wait}
}

// BudgetRefusal returns the refusal of budget check b for limit
// (LimitBudgetTokens or LimitBudgetUSD) at now.
func BudgetRefusal(b BudgetCheck, limit string, now time.Time) Refusal {
	return Refusal{Scope: Scope{Kind: ScopeTenant, ID: b.Tenant, Name: b.Tenant}, Limit: limit, Budget: b.Budget, Wait: b.End.Sub(now), Resets: b.End}
}

// Err returns the refusal as the error a client sees: ERATELIMIT with
// RetryAfter in whole seconds (at least 1) and a message naming the limit.
func (r Refusal) Err() *switchboard.Error {
	who := string(r.Scope.Kind) + " " + strconv.Quote(r.Scope.Name)
	secs := retrySeconds(r.Wait)
	var msg string
	switch r.Limit {
	case LimitRPM:
		msg = who + " reached its limit of " + strconv.Itoa(r.RPM) + " requests per minute; retry in " + strconv.Itoa(secs) + "s"
	case LimitTPM:
		msg = who + " reached its limit of " + strconv.Itoa(r.TPM) + " tokens per minute; retry in " + strconv.Itoa(secs) + "s"
	case LimitBudgetTokens:
		msg = who + " reached its budget of " + strconv.FormatInt(r.Budget.Tokens, 10) + " tokens " + r.Budget.Period.per() +
			"; it resets " + r.Resets.UTC().Format(time.RFC3339)
	default:
		msg = who + " reached its budget of $" + strconv.FormatFloat(r.Budget.USD, 'f', 2, 64) + " " + r.Budget.Period.per() +
			"; it resets " + r.Resets.UTC().Format(time.RFC3339)
	}
	return &switchboard.Error{Code: switchboard.ERATELIMIT, Message: msg, RetryAfter: secs}
}

// Refuse returns the error for a set of refusals: the one that frees last,
// since retrying before it frees would fail again (the first of equals, so
// the key is named before its tenant). It returns nil for none.
func Refuse(rs []Refusal) error {
	if len(rs) == 0 {
		return nil
	}
	worst := rs[0]
	for _, r := range rs[1:] {
		if r.Wait > worst.Wait {
			worst = r
		}
	}
	return worst.Err()
}

func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
