package gateway

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"sort"
	"strings"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/audit"
	"github.com/switchboard-gov/switchboard/postgres"
	"github.com/switchboard-gov/switchboard/sqlite"
	"github.com/switchboard-gov/switchboard/web"
	"github.com/switchboard-gov/switchboard/web/conversation"
)

// conversations is the conversation store on the same database as state.
func conversations(st switchboard.Store) (conversation.Store, error) {
	switch db := st.(type) {
	case auditedStore:
		return conversations(db.Store)
	case *sqlite.DB:
		return sqlite.NewConversationStore(db), nil
	case *postgres.DB:
		return postgres.NewConversationStore(db), nil
	}
	return nil, fmt.Errorf("web: no conversation store for %T", st)
}

// auditReader adapts the audit trail to what the console shows.
type auditReader struct {
	log  *audit.Log
	keys []ed25519.PublicKey
}

var _ web.AuditReader = auditReader{}

func (a auditReader) Search(ctx context.Context, q web.AuditQuery) ([]web.AuditRecord, error) {
	f := audit.Filter{Tenant: q.Tenant, Subtree: q.Tenant != "", Vendor: q.Vendor, Model: q.Model, Directive: q.Directive,
		Kind: "request", From: q.From, To: q.To, Limit: q.Limit}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out []web.AuditRecord
	err := a.log.Store().Query(ctx, f, func(r *audit.Record) error {
		out = append(out, web.AuditRecord{ID: r.ID, At: r.At, Tenant: r.Tenant, KeyID: r.KeyID,
			RequestedModel: r.RequestedModel, ServedModel: r.ServedModel, Vendor: r.Vendor,
			Directive: r.Directive, Waiver: r.Waiver, Outcome: r.Outcome, Status: r.Status,
			Guardrail: findingsNote(r.Findings)})
		return nil
	})
	return out, err
}

func (a auditReader) Verify(ctx context.Context) (web.ChainStatus, error) {
	rep, err := audit.Verify(ctx, a.log.Store(), audit.VerifyOptions{Keys: a.keys})
	if err != nil {
		return web.ChainStatus{}, err
	}
	cs := web.ChainStatus{OK: rep.OK, Records: rep.Records, Head: rep.Head.Hash, Message: "every record and checkpoint verified"}
	if rep.Break != nil {
		cs.FirstBad, cs.Message = rep.Break.ID, rep.Break.Error()
	}
	return cs, nil
}

// findingsNote summarises guardrail findings as "US_SSN=1, PHONE_NUMBER=2".
func findingsNote(fs []audit.Finding) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s=%d", f.Type, f.Count))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
