package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/web"
)

func TestGuardrailNote(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"redacted: US_SSN=1, PHONE_NUMBER=1": "2 items redacted: SSN, phone number",
		"redacted: US_SSN=2":                 "2 items redacted: SSN",
		"redacted: EMAIL_ADDRESS=1":          "1 item redacted: email address",
		"blocked: US_SSN=1":                  "Blocked: the request contained SSN",
		"redacted: NEW_THING=3; blocked: US_SSN=1": "Blocked: the request contained SSN; 3 items redacted: new thing",
	} {
		if got := web.GuardrailNote(in); got != want {
			t.Errorf("GuardrailNote(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestValidateMessage(t *testing.T) {
	if err := web.ValidateMessage(" \n", 10); switchboard.ErrorCode(err) != switchboard.EINVALID || !strings.Contains(err.Error(), "Type a message") {
		t.Errorf("empty: %v", err)
	}
	if err := web.ValidateMessage(strings.Repeat("é", 1001), 1000); switchboard.ErrorCode(err) != switchboard.ETOOLARGE || !strings.Contains(err.Error(), "1,001 characters long; the limit is 1,000") {
		t.Errorf("too long: %v", err)
	}
	if err := web.ValidateMessage("hello", 10); err != nil {
		t.Errorf("ok message: %v", err)
	}
}

// TestSessionAndCSRF checks, without a browser, that the API needs a
// session, that a state-changing call needs the page's token, and that the
// key never reaches the browser.
func TestSessionAndCSRF(t *testing.T) {
	_, srv := startWeb(t)
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	resp, err := c.Get(srv.URL + "/chat/api/conversations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API without a session: %d; want 401", resp.StatusCode)
	}

	// Sign in: the form's token comes with its cookie.
	resp, _ = c.Get(srv.URL + "/signin")
	var signinTok string
	for _, ck := range resp.Cookies() {
		if ck.Name == "sb_signin" {
			signinTok = ck.Value
		}
	}
	resp.Body.Close()
	form := url.Values{"key": {userKey}, "csrf": {"wrong"}}
	req, _ := http.NewRequest("POST", srv.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "sb_signin", Value: signinTok})
	resp, _ = c.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in with a wrong form token: %d; want 403", resp.StatusCode)
	}
	form.Set("csrf", signinTok)
	req, _ = http.NewRequest("POST", srv.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "sb_signin", Value: signinTok})
	resp, _ = c.Do(req)
	resp.Body.Close()
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "sb_session" {
			session = ck
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in: %d, cookie %v", resp.StatusCode, session)
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || len(session.Value) < 43 || strings.Contains(session.Value, userKey) {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, 256 random bits, no key", session)
	}

	req, _ = http.NewRequest("GET", srv.URL+"/", nil)
	req.AddCookie(session)
	resp, _ = c.Do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="csrf-token"`) || strings.Contains(string(body), userKey) {
		t.Errorf("chat page: %d, want 200 with a CSRF token and without the key", resp.StatusCode)
	}

	// A state-changing call without the token is refused.
	req, _ = http.NewRequest("POST", srv.URL+"/chat/api/conversations", strings.NewReader(`{}`))
	req.AddCookie(session)
	resp, _ = c.Do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without the CSRF token: %d; want 403", resp.StatusCode)
	}
}
