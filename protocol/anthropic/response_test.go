package anthropic

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
)

func TestEncodeResponse(t *testing.T) {
	r := &llm.Response{
		ID: "chatcmpl-1", Model: "gpt-x",
		Content: []llm.Part{
			text(""),
			{Kind: llm.PartThinking, Text: "hmm", Signature: "sig"},
			text("Let me check."),
			call("call.1", "get_weather", `{"city":"Paris"}`),
			call("call_2", "get_weather", `{"city":`),
		},
		StopReason: llm.StopToolCalls,
		Usage:      llm.Usage{Input: 100, Output: 20, CacheRead: 30, CacheWrite: 10, Reasoning: 5},
	}
	got, err := New().EncodeResponse(r, "claude-x")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"claude-x","content":[` +
		`{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Let me check."},` +
		`{"type":"tool_use","id":"call_1_2945fb5c","name":"get_weather","input":{"city":"Paris"}},` +
		`{"type":"tool_use","id":"call_2","name":"get_weather","input":{}}],` +
		`"stop_reason":"tool_use","stop_sequence":null,` +
		`"usage":{"input_tokens":60,"cache_creation_input_tokens":10,"cache_read_input_tokens":30,"output_tokens":20,"output_tokens_details":{"thinking_tokens":5}}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var m anthropic.Message
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "msg_chatcmpl-1" || len(m.Content) != 4 || m.Content[2].Name != "get_weather" || string(m.Content[2].Input) != `{"city":"Paris"}` ||
		m.StopReason != anthropic.StopReasonToolUse || m.Usage.InputTokens != 60 || m.Usage.CacheReadInputTokens != 30 || m.Content[0].Signature != "sig" {
		t.Fatalf("SDK reads %+v", m)
	}
}

func TestEncodeResponseStops(t *testing.T) {
	tests := []struct {
		reason llm.StopReason
		seq    string
		want   string
	}{
		{llm.StopEnd, "", `"stop_reason":"end_turn","stop_sequence":null`},
		{llm.StopMaxTokens, "", `"stop_reason":"max_tokens","stop_sequence":null`},
		{llm.StopSequence, "END", `"stop_reason":"stop_sequence","stop_sequence":"END"`},
		{llm.StopSequence, "", `"stop_reason":"end_turn","stop_sequence":null`},
		{llm.StopRefused, "", `"stop_reason":"refusal","stop_sequence":null`},
		{llm.StopError, "", `"stop_reason":"end_turn","stop_sequence":null`},
	}
	for _, tt := range tests {
		got, _ := New().EncodeResponse(&llm.Response{ID: "msg_1", StopReason: tt.reason, StopSequence: tt.seq}, "m")
		want := `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],` + tt.want +
			`,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}`
		if string(got) != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	body := `{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
		{"type":"thinking","thinking":"t","signature":"s"},
		{"type":"redacted_thinking","data":"d"},
		{"type":"text","text":"Hi","citations":null},
		{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"x"}},
		{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}],
		"stop_reason":"tool_use","stop_sequence":null,
		"usage":{"input_tokens":10,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":7,"service_tier":"standard","server_tool_use":{"web_search_requests":1}}}`
	got, err := New().DecodeResponse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := &llm.Response{ID: "msg_01", Model: "claude-sonnet-4-5", StopReason: llm.StopToolCalls,
		Content: []llm.Part{{Kind: llm.PartThinking, Text: "t", Signature: "s"}, {Kind: llm.PartThinking, Signature: RedactedPrefix + "d"}, text("Hi"), call("toolu_1", "f", `{"a":1}`)},
		Usage:   llm.Usage{Input: 15, Output: 7, CacheRead: 3, CacheWrite: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s\nwant %s", dump(got), dump(want))
	}
	for _, bad := range []string{`{`, `[]`, `{"type":"error","error":{"type":"api_error","message":"x"}}`} {
		if _, err := New().DecodeResponse([]byte(bad)); switchboard.ErrorCode(err) != switchboard.EUPSTREAM {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

func TestResponseRoundTrip(t *testing.T) {
	r := &llm.Response{ID: "msg_1", Model: "m",
		Content: []llm.Part{{Kind: llm.PartThinking, Text: "t", Signature: "s"}, {Kind: llm.PartThinking, Signature: RedactedPrefix + "d"},
			text("a"), call("toolu_1", "f", `{"a":[1,{"b":null}]}`)},
		StopReason: llm.StopSequence, StopSequence: "END",
		Usage: llm.Usage{Input: 9, Output: 4, CacheRead: 1, CacheWrite: 2, Reasoning: 3}}
	b, err := New().EncodeResponse(r, "m")
	if err != nil {
		t.Fatal(err)
	}
	got, err := New().DecodeResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("got %s\nwant %s", dump(got), dump(r))
	}
}

func TestErrorBody(t *testing.T) {
	tests := []struct {
		err    *switchboard.Error
		status int
		body   string
	}{
		{&switchboard.Error{Code: switchboard.EINVALID, Message: "max_tokens: Field required"}, 400, `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}`},
		{&switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "bad key"}, 401, `{"type":"error","error":{"type":"authentication_error","message":"bad key"}}`},
		{&switchboard.Error{Code: switchboard.EFORBIDDEN, Message: "no"}, 403, `{"type":"error","error":{"type":"permission_error","message":"no"}}`},
		{&switchboard.Error{Code: switchboard.EFORBIDDEN, Message: "pay", Status: 402}, 402, `{"type":"error","error":{"type":"billing_error","message":"pay"}}`},
		{&switchboard.Error{Code: switchboard.ENOTFOUND, Message: "model"}, 404, `{"type":"error","error":{"type":"not_found_error","message":"model"}}`},
		{&switchboard.Error{Code: switchboard.EMETHOD, Message: "use POST"}, 405, `{"type":"error","error":{"type":"invalid_request_error","message":"use POST"}}`},
		{&switchboard.Error{Code: switchboard.ETOOLARGE, Message: "big"}, 413, `{"type":"error","error":{"type":"request_too_large","message":"big"}}`},
		{&switchboard.Error{Code: switchboard.ERATELIMIT, Message: "slow"}, 429, `{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}`},
		{&switchboard.Error{Code: switchboard.EINTERNAL, Message: "oops"}, 500, `{"type":"error","error":{"type":"api_error","message":"oops"}}`},
		{&switchboard.Error{Code: switchboard.EUPSTREAM, Message: "bad"}, 502, `{"type":"error","error":{"type":"api_error","message":"bad"}}`},
		{&switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "down"}, 503, `{"type":"error","error":{"type":"api_error","message":"down"}}`},
		{&switchboard.Error{Code: switchboard.EOVERLOADED, Message: "Overloaded"}, 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`},
		{&switchboard.Error{Code: switchboard.ETIMEOUT, Message: "late"}, 504, `{"type":"error","error":{"type":"timeout_error","message":"late"}}`},
		{&switchboard.Error{Code: switchboard.EUPSTREAM, Status: 529, Message: "\"q\" <x>"}, 529, `{"type":"error","error":{"type":"overloaded_error","message":"\"q\" <x>"}}`},
	}
	for _, tt := range tests {
		status, body := New().ErrorBody(tt.err)
		if status != tt.status || string(body) != tt.body {
			t.Errorf("%s: got %d %s, want %d %s", tt.err.Code, status, body, tt.status, tt.body)
		}
		var e anthropic.ErrorResponse
		if err := json.Unmarshal(body, &e); err != nil || e.Error.Message != tt.err.Message {
			t.Errorf("SDK reads %+v, %v", e, err)
		}
	}
}

func TestDecodeError(t *testing.T) {
	tests := []struct {
		status int
		body   string
		code   string
		msg    string
	}{
		{400, `{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"},"request_id":"req_1"}`, switchboard.EINVALID, "max_tokens: Field required"},
		{401, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`, switchboard.EUNAUTHORIZED, "invalid x-api-key"},
		{429, `{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`, switchboard.ERATELIMIT, "slow down"},
		{529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, switchboard.EOVERLOADED, "Overloaded"},
		{500, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, switchboard.EOVERLOADED, "Overloaded"},
		{500, `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`, switchboard.EUPSTREAM, "Internal server error"},
		{504, `{"type":"error","error":{"type":"timeout_error","message":"late"}}`, switchboard.ETIMEOUT, "late"},
		{502, `<html>bad gateway</html>`, switchboard.EUPSTREAM, "upstream answered Bad Gateway"},
		{418, `teapot`, switchboard.EINTERNAL, "teapot"},
	}
	for _, tt := range tests {
		e := New().DecodeError(tt.status, []byte(tt.body))
		if e.Code != tt.code || e.Message != tt.msg || e.Status != 0 {
			t.Errorf("%d %s: got %+v", tt.status, tt.body, e)
		}
	}
}
