package switchboard

import "context"

type principalKey struct{}

// WithPrincipal returns ctx carrying p as the already-authenticated caller
// of an in-process request (StateChat and the console acting for a person
// signed in by single sign-on). Only code in this process can set it: the
// key type is unexported and nothing read from the network becomes a
// context value.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller set by WithPrincipal.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
