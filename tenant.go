package switchboard

import (
	"sort"
	"strconv"
	"strings"
)

// TenantTree is the agency hierarchy as an immutable index: every tenant's
// parent, children and depth. Directives scope whole subtrees (a scope of
// "dod" covers "dod/nsa"), so the question asked on every request is
// Within, and it costs O(depth).
type TenantTree struct {
	parent   map[string]string
	children map[string][]string
	depth    map[string]int
	order    []string
}

// NewTenantTree indexes ts. It rejects an empty or duplicate id, a parent
// that is not one of ts, and a cycle; the error is an EINVALID *Error whose
// message names the tenant at fault (tenants[dod/nsa].parent: …).
func NewTenantTree(ts []Tenant) (*TenantTree, error) {
	t := &TenantTree{
		parent:   make(map[string]string, len(ts)),
		children: make(map[string][]string),
		depth:    make(map[string]int, len(ts)),
		order:    make([]string, 0, len(ts)),
	}
	for i, tn := range ts {
		if tn.ID == "" {
			return nil, &Error{Code: EINVALID, Param: "tenants", Message: "tenants[" + strconv.Itoa(i) + "].id: missing"}
		}
		if _, dup := t.parent[tn.ID]; dup {
			return nil, invalidf("tenants["+tn.ID+"]", "duplicate tenant id")
		}
		t.parent[tn.ID] = tn.Parent
		t.order = append(t.order, tn.ID)
	}
	for _, id := range t.order {
		p := t.parent[id]
		if p == "" {
			continue
		}
		if p == id {
			return nil, invalidf("tenants["+id+"].parent", "cycle: "+id+" is its own parent")
		}
		if _, ok := t.parent[p]; !ok {
			return nil, invalidf("tenants["+id+"].parent", "unknown tenant "+quote(p))
		}
		t.children[p] = append(t.children[p], id)
	}
	// Depths by walking up, memoised so the pass is linear; meeting a
	// tenant already on the current walk is a cycle.
	for _, id := range t.order {
		var path []string
		base := -1
		for cur := id; ; {
			if d, ok := t.depth[cur]; ok {
				base = d
				break
			}
			for j, seen := range path {
				if seen == cur {
					cycle := append(append([]string{}, path[j:]...), cur)
					return nil, invalidf("tenants["+id+"].parent", "cycle: "+strings.Join(cycle, " → "))
				}
			}
			path = append(path, cur)
			if cur = t.parent[cur]; cur == "" {
				break
			}
		}
		for i := len(path) - 1; i >= 0; i-- {
			base++
			t.depth[path[i]] = base
		}
	}
	for _, c := range t.children {
		sort.Strings(c)
	}
	return t, nil
}

// Has reports whether id is a tenant of the tree.
func (t *TenantTree) Has(id string) bool {
	if t == nil {
		return false
	}
	_, ok := t.parent[id]
	return ok
}

// IDs returns every tenant id in the order NewTenantTree was given them.
func (t *TenantTree) IDs() []string {
	return append([]string(nil), t.order...)
}

// Len is the number of tenants.
func (t *TenantTree) Len() int { return len(t.order) }

// Parent returns the parent of id ("" for a root) and whether id exists.
func (t *TenantTree) Parent(id string) (string, bool) {
	p, ok := t.parent[id]
	return p, ok
}

// Depth is the number of ancestors of id (0 for a root, -1 when unknown).
func (t *TenantTree) Depth(id string) int {
	d, ok := t.depth[id]
	if !ok {
		return -1
	}
	return d
}

// Within reports whether tenant is root or one of its descendants. Unknown
// tenants are within nothing. It walks up from tenant only as far as root's
// depth, so it costs O(depth) and never allocates.
func (t *TenantTree) Within(tenant, root string) bool {
	if t == nil {
		return false
	}
	dt, ok := t.depth[tenant]
	if !ok {
		return false
	}
	dr, ok := t.depth[root]
	if !ok || dr > dt {
		return false
	}
	for ; dt > dr; dt-- {
		tenant = t.parent[tenant]
	}
	return tenant == root
}

// Ancestors returns the ancestors of id, nearest first (parent, grandparent,
// …, root). It returns nil for a root or an unknown id.
func (t *TenantTree) Ancestors(id string) []string {
	var out []string
	for p := t.parent[id]; p != ""; p = t.parent[p] {
		out = append(out, p)
	}
	return out
}

// Children returns the direct children of id, sorted.
func (t *TenantTree) Children(id string) []string {
	return append([]string(nil), t.children[id]...)
}

// Roots returns the tenants without a parent, in input order.
func (t *TenantTree) Roots() []string {
	var out []string
	for _, id := range t.order {
		if t.parent[id] == "" {
			out = append(out, id)
		}
	}
	return out
}

func invalidf(path, problem string) *Error {
	return &Error{Code: EINVALID, Param: path, Message: path + ": " + problem}
}

func quote(s string) string { return `"` + s + `"` }
