package openai

import (
	"context"
	"errors"
	"testing"

	"github.com/openai/openai-go/v3"

	switchboard "github.com/switchboard-gov/switchboard"
)

func TestErrorBody(t *testing.T) {
	tests := []struct {
		err    *switchboard.Error
		status int
		body   string
	}{
		{&switchboard.Error{Code: switchboard.EINVALID, Message: "Missing required parameter: 'messages'.", Param: "messages"}, 400,
			`{"error":{"message":"Missing required parameter: 'messages'.","type":"invalid_request_error","param":"messages","code":null}}`},
		{&switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "Incorrect API key provided."}, 401,
			`{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`},
		{&switchboard.Error{Code: switchboard.EFORBIDDEN, Message: "Directive D-7 forbids this model."}, 403,
			`{"error":{"message":"Directive D-7 forbids this model.","type":"invalid_request_error","param":null,"code":"permission_denied"}}`},
		{&switchboard.Error{Code: switchboard.ENOTFOUND, Message: "The model `x` does not exist.", Param: "model"}, 404,
			`{"error":{"message":"The model ` + "`x`" + ` does not exist.","type":"invalid_request_error","param":"model","code":"model_not_found"}}`},
		{&switchboard.Error{Code: switchboard.EMETHOD, Message: "Use POST."}, 405,
			`{"error":{"message":"Use POST.","type":"invalid_request_error","param":null,"code":null}}`},
		{&switchboard.Error{Code: switchboard.ETOOLARGE, Message: "Too large."}, 413,
			`{"error":{"message":"Too large.","type":"invalid_request_error","param":null,"code":"request_too_large"}}`},
		{&switchboard.Error{Code: switchboard.ERATELIMIT, Message: "Rate limit reached."}, 429,
			`{"error":{"message":"Rate limit reached.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
		{&switchboard.Error{Code: switchboard.EINTERNAL, Message: "internal error"}, 500,
			`{"error":{"message":"internal error","type":"server_error","param":null,"code":null}}`},
		{&switchboard.Error{Code: switchboard.EUPSTREAM, Message: "bad gateway"}, 502,
			`{"error":{"message":"bad gateway","type":"server_error","param":null,"code":null}}`},
		{&switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "down"}, 503,
			`{"error":{"message":"down","type":"server_error","param":null,"code":"service_unavailable"}}`},
		{&switchboard.Error{Code: switchboard.EOVERLOADED, Message: "Overloaded"}, 503,
			`{"error":{"message":"Overloaded","type":"server_error","param":null,"code":"service_unavailable"}}`},
		{&switchboard.Error{Code: switchboard.EOVERLOADED, Message: "Overloaded", Status: 529}, 503,
			`{"error":{"message":"Overloaded","type":"server_error","param":null,"code":"service_unavailable"}}`},
		{&switchboard.Error{Code: switchboard.ETIMEOUT, Message: "slow"}, 504,
			`{"error":{"message":"slow","type":"server_error","param":null,"code":"timeout"}}`},
		{&switchboard.Error{Code: switchboard.EUPSTREAM, Message: "teapot", Status: 418}, 418,
			`{"error":{"message":"teapot","type":"server_error","param":null,"code":null}}`},
	}
	for _, tt := range tests {
		status, body := New().ErrorBody(tt.err)
		if status != tt.status || string(body) != tt.body {
			t.Errorf("%s: got %d %s\nwant %d %s", tt.err.Code, status, body, tt.status, tt.body)
		}
	}
}

// TestErrorBodySDK checks openai-go reads our error bodies into *openai.Error.
func TestErrorBodySDK(t *testing.T) {
	status, body := New().ErrorBody(&switchboard.Error{Code: switchboard.EINVALID, Message: "Unrecognized request argument supplied: foo", Param: "foo"})
	client := serve(t, status, "application/json", string(body))
	_, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{Model: "gpt-4o"})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *openai.Error", err)
	}
	if apiErr.StatusCode != 400 || apiErr.Message != "Unrecognized request argument supplied: foo" || apiErr.Type != "invalid_request_error" || apiErr.Param != "foo" {
		t.Errorf("%+v", apiErr)
	}
}

func TestDecodeError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   switchboard.Error
	}{
		{"OpenAI invalid", 400, `{"error":{"message":"Invalid 'temperature'","type":"invalid_request_error","param":"temperature","code":"decimal_above_max_value"}}`,
			switchboard.Error{Code: switchboard.EINVALID, Message: "Invalid 'temperature'", Param: "temperature"}},
		{"bad key", 401, `{"error":{"message":"Incorrect API key provided: sk-...","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
			switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "Incorrect API key provided: sk-..."}},
		{"model not found", 404, `{"error":{"message":"The model 'x' does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}`,
			switchboard.Error{Code: switchboard.ENOTFOUND, Message: "The model 'x' does not exist", Param: "model"}},
		{"rate limit", 429, `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
			switchboard.Error{Code: switchboard.ERATELIMIT, Message: "Rate limit reached"}},
		{"quota", 429, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`,
			switchboard.Error{Code: switchboard.EFORBIDDEN, Message: "You exceeded your current quota"}},
		{"server", 500, `{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`,
			switchboard.Error{Code: switchboard.EUPSTREAM, Message: "The server had an error"}},
		{"overloaded", 503, `{"error":{"message":"The engine is currently overloaded","type":"server_error"}}`,
			switchboard.Error{Code: switchboard.EUNAVAILABLE, Message: "The engine is currently overloaded"}},
		{"Ollama string", 404, `{"error":"model \"llama9\" not found, try pulling it first"}`,
			switchboard.Error{Code: switchboard.ENOTFOUND, Message: `model "llama9" not found, try pulling it first`}},
		{"vLLM flat", 400, `{"object":"error","message":"This model's maximum context length is 4096 tokens","type":"BadRequestError","param":null,"code":400}`,
			switchboard.Error{Code: switchboard.EINVALID, Message: "This model's maximum context length is 4096 tokens"}},
		{"numeric code", 400, `{"error":{"message":"bad","type":"invalid_request_error","code":400}}`,
			switchboard.Error{Code: switchboard.EINVALID, Message: "bad"}},
		{"HTML", 502, `<html>Bad Gateway</html>`,
			switchboard.Error{Code: switchboard.EUPSTREAM, Message: "<html>Bad Gateway</html>"}},
		{"empty", 504, ``,
			switchboard.Error{Code: switchboard.ETIMEOUT, Message: "the upstream answered 504 Gateway Timeout"}},
	}
	for _, tt := range tests {
		got := New().DecodeError(tt.status, []byte(tt.body))
		if *got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}
