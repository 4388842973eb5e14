package gemini

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/genai"

	switchboard "github.com/switchboard-gov/switchboard"
	"github.com/switchboard-gov/switchboard/llm"
	"github.com/switchboard-gov/switchboard/protocol"
)

// fakeGemini serves the codec to the real genai SDK: it decodes what the SDK
// sends and answers with what the codec encodes.
type fakeGemini struct {
	t      *testing.T
	got    *llm.Request
	target protocol.Target
	resp   *llm.Response
	events []llm.Event // when set, streamed
	err    *switchboard.Error
}

func (f *fakeGemini) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	model, method, ok := ParsePath(r.URL.Path)
	if !ok {
		f.t.Errorf("ParsePath(%q) failed", r.URL.Path)
	}
	if r.Header.Get("x-goog-api-key") != "test-key" {
		f.t.Errorf("api key header = %q", r.Header.Get("x-goog-api-key"))
	}
	body, _ := io.ReadAll(r.Body)
	c := New()
	f.target = protocol.Target{Model: model, Stream: method == "streamGenerateContent", SSE: r.URL.Query().Get("alt") == "sse"}
	req, err := c.DecodeRequest(body, f.target)
	if err != nil {
		f.t.Errorf("DecodeRequest(%s): %v", body, err)
		status, b := c.ErrorBody(switchboard.AsError(err))
		w.WriteHeader(status)
		w.Write(b)
		return
	}
	f.got = req
	if f.err != nil {
		status, b := c.ErrorBody(f.err)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
		return
	}
	if f.target.Stream {
		enc := c.NewStreamEncoder("gemini-test", f.target, true)
		w.Header().Set("Content-Type", enc.ContentType())
		var out []byte
		for _, ev := range f.events {
			out = enc.Encode(out, ev)
		}
		w.Write(out)
		return
	}
	b, _ := c.EncodeResponse(f.resp, "gemini-test")
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func newSDK(t *testing.T, f *fakeGemini) *genai.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey:      "test-key",
		Backend:     genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSDKGenerateContent(t *testing.T) {
	f := &fakeGemini{t: t, resp: &llm.Response{
		ID: "resp-1",
		Content: []llm.Part{
			{Kind: llm.PartThinking, Text: "hmm", Signature: "c2ln"},
			{Kind: llm.PartText, Text: "Checking <the> weather & more."},
			{Kind: llm.PartToolCall, ToolCall: &llm.ToolCall{ID: "call_9", Name: "get_weather", Args: []byte(`{"city":"Paris"}`)}},
		},
		StopReason: llm.StopToolCalls,
		Usage:      llm.Usage{Input: 10, Output: 7, Reasoning: 3, CacheRead: 4},
	}}
	client := newSDK(t, f)
	temp := float32(0.5)
	budget := int32(2048)
	contents := []*genai.Content{
		genai.NewContentFromText("What is the weather in Paris?", genai.RoleUser),
		{Role: genai.RoleModel, Parts: []*genai.Part{{FunctionCall: &genai.FunctionCall{Name: "get_weather", Args: map[string]any{"city": "Paris"}}, ThoughtSignature: []byte("sig")}}},
		{Role: genai.RoleUser, Parts: []*genai.Part{
			genai.NewPartFromFunctionResponse("get_weather", map[string]any{"output": "sunny"}),
			genai.NewPartFromBytes([]byte("\x89PNG"), "image/png"),
			genai.NewPartFromURI("gs://bucket/cat.jpg", "image/jpeg"),
		}},
	}
	resp, err := client.Models.GenerateContent(context.Background(), "gemini-2.5-flash", contents, &genai.GenerateContentConfig{
		SystemInstruction: genai.NewContentFromText("Be brief.", ""),
		Temperature:       &temp,
		MaxOutputTokens:   256,
		StopSequences:     []string{"END"},
		ThinkingConfig:    &genai.ThinkingConfig{ThinkingBudget: &budget, IncludeThoughts: true},
		Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
			Name:        "get_weather",
			Description: "Weather for a city",
			Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{
				"city": {Type: genai.TypeString},
			}, Required: []string{"city"}},
		}}}, {GoogleSearch: &genai.GoogleSearch{}}},
		ToolConfig: &genai.ToolConfig{FunctionCallingConfig: &genai.FunctionCallingConfig{
			Mode: genai.FunctionCallingConfigModeAny, AllowedFunctionNames: []string{"get_weather"},
		}},
		SafetySettings: []*genai.SafetySetting{{Category: genai.HarmCategoryHateSpeech, Threshold: genai.HarmBlockThresholdBlockNone}},
	})
	if err != nil {
		t.Fatal(err)
	}
	g := f.got
	if g.Model != "gemini-2.5-flash" || g.Stream {
		t.Errorf("model/stream = %q/%v", g.Model, g.Stream)
	}
	if len(g.System) != 1 || g.System[0] != "Be brief." {
		t.Errorf("system = %q", g.System)
	}
	if *g.Temperature != 0.5 || *g.MaxTokens != 256 || g.Stop[0] != "END" || g.Reasoning.BudgetTokens != 2048 {
		t.Errorf("generation config not decoded: %+v", g)
	}
	if len(g.Tools) != 1 || string(g.Tools[0].Parameters) != `{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}` {
		t.Errorf("tools = %+v / %s", g.Tools, g.Tools[0].Parameters)
	}
	if g.ToolChoice.Mode != llm.ToolNamed || g.ToolChoice.Name != "get_weather" {
		t.Errorf("tool choice = %+v", g.ToolChoice)
	}
	if string(g.Extra["tools"]) != `[{"googleSearch":{}}]` || g.Extra["safetySettings"] == nil {
		t.Errorf("extra = %s", g.Extra)
	}
	call := g.Messages[1].Parts[0]
	if call.ToolCall.ID != "call_0" || call.Signature != "c2ln" || string(call.ToolCall.Args) != `{"city":"Paris"}` {
		t.Errorf("call = %+v %s", call, call.ToolCall.Args)
	}
	res := g.Messages[2].Parts
	if res[0].ToolResult.CallID != "call_0" || res[0].ToolResult.Content != "sunny" || res[0].ToolResult.Name != "get_weather" {
		t.Errorf("result = %+v", res[0].ToolResult)
	}
	if res[1].Image.Data != "iVBORw==" || res[1].Image.MediaType != "image/png" || res[2].Image.URL != "gs://bucket/cat.jpg" {
		t.Errorf("images = %+v %+v", res[1].Image, res[2].Image)
	}

	if resp.ResponseID != "resp-1" || resp.ModelVersion != "gemini-test" {
		t.Errorf("id/model = %q/%q", resp.ResponseID, resp.ModelVersion)
	}
	if resp.Text() != "Checking <the> weather & more." {
		t.Errorf("text = %q", resp.Text())
	}
	parts := resp.Candidates[0].Content.Parts
	if !parts[0].Thought || parts[0].Text != "hmm" || string(parts[0].ThoughtSignature) != "sig" {
		t.Errorf("thought part = %+v", parts[0])
	}
	fc := resp.FunctionCalls()
	if len(fc) != 1 || fc[0].Name != "get_weather" || fc[0].Args["city"] != "Paris" || fc[0].ID != "call_9" {
		t.Errorf("function calls = %+v", fc)
	}
	if resp.Candidates[0].FinishReason != genai.FinishReasonStop {
		t.Errorf("finish = %q", resp.Candidates[0].FinishReason)
	}
	u := resp.UsageMetadata
	if u.PromptTokenCount != 10 || u.CandidatesTokenCount != 4 || u.ThoughtsTokenCount != 3 || u.TotalTokenCount != 17 || u.CachedContentTokenCount != 4 {
		t.Errorf("usage = %+v", u)
	}
}

func TestSDKStream(t *testing.T) {
	f := &fakeGemini{t: t, events: []llm.Event{
		{Type: llm.EventMessageStart, ID: "r1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 0, Text: "Hel"},
		{Type: llm.EventBlockDelta, Index: 0, Text: "lo\n"},
		{Type: llm.EventBlockStop, Index: 0},
		{Type: llm.EventBlockStart, Index: 1, Kind: llm.BlockToolCall, ToolID: "t1", ToolName: "f"},
		{Type: llm.EventBlockDelta, Index: 1, Text: `{"a":`},
		{Type: llm.EventBlockDelta, Index: 1, Text: "\n1}"},
		{Type: llm.EventBlockStop, Index: 1},
		{Type: llm.EventUsage, Usage: llm.Usage{Input: 5, Output: 3}},
		{Type: llm.EventMessageStop, StopReason: llm.StopToolCalls},
	}}
	client := newSDK(t, f)
	var text string
	var calls []*genai.FunctionCall
	var last *genai.GenerateContentResponse
	for resp, err := range client.Models.GenerateContentStream(context.Background(), "gemini-2.5-flash",
		genai.Text("hi"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if resp.ResponseID != "r1" || resp.ModelVersion != "gemini-test" {
			t.Errorf("chunk id/model = %q/%q", resp.ResponseID, resp.ModelVersion)
		}
		text += resp.Text()
		calls = append(calls, resp.FunctionCalls()...)
		last = resp
	}
	if !f.target.SSE || !f.got.Stream {
		t.Errorf("target = %+v", f.target)
	}
	if text != "Hello\n" || len(calls) != 1 || calls[0].Args["a"] != float64(1) || calls[0].ID != "t1" {
		t.Errorf("text %q calls %+v", text, calls)
	}
	if last.Candidates[0].FinishReason != genai.FinishReasonStop || last.UsageMetadata.TotalTokenCount != 8 {
		t.Errorf("last chunk = %+v", last)
	}
}

func TestSDKStreamError(t *testing.T) {
	f := &fakeGemini{t: t, events: []llm.Event{
		{Type: llm.EventMessageStart, ID: "r1"},
		{Type: llm.EventBlockStart, Index: 0, Kind: llm.BlockText},
		{Type: llm.EventBlockDelta, Index: 0, Text: "Hel"},
		{Type: llm.EventError, Err: &switchboard.Error{Code: switchboard.EOVERLOADED, Message: "Overloaded"}},
	}}
	client := newSDK(t, f)
	var gotErr error
	n := 0
	for _, err := range client.Models.GenerateContentStream(context.Background(), "m", genai.Text("hi"), nil) {
		if err != nil {
			gotErr = err
			break
		}
		n++
	}
	var apiErr genai.APIError
	if n != 1 || !errors.As(gotErr, &apiErr) || apiErr.Code != 503 || apiErr.Status != "UNAVAILABLE" || apiErr.Message != "Overloaded" {
		t.Errorf("n=%d err=%#v", n, gotErr)
	}
}

func TestSDKErrors(t *testing.T) {
	for _, tc := range []struct {
		err    *switchboard.Error
		code   int
		status string
		reason string
	}{
		{&switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "API key not valid. Please pass a valid API key.", Param: "key"}, 400, "INVALID_ARGUMENT", "API_KEY_INVALID"},
		{&switchboard.Error{Code: switchboard.EUNAUTHORIZED, Message: "The API key is missing."}, 403, "PERMISSION_DENIED", ""},
		{&switchboard.Error{Code: switchboard.ERATELIMIT, Message: "slow down", RetryAfter: 7}, 429, "RESOURCE_EXHAUSTED", ""},
		{&switchboard.Error{Code: switchboard.ENOTFOUND, Message: "no such model"}, 404, "NOT_FOUND", ""},
		{&switchboard.Error{Code: switchboard.EOVERLOADED, Message: "busy", Status: 529}, 503, "UNAVAILABLE", ""},
	} {
		f := &fakeGemini{t: t, err: tc.err}
		client := newSDK(t, f)
		_, err := client.Models.GenerateContent(context.Background(), "m", genai.Text("hi"), nil)
		var apiErr genai.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%v: not an APIError: %v", tc.err, err)
		}
		if apiErr.Code != tc.code || apiErr.Status != tc.status || apiErr.Message != tc.err.Message {
			t.Errorf("%v: got %+v", tc.err, apiErr)
		}
		if tc.reason != "" && (len(apiErr.Details) == 0 || apiErr.Details[0]["reason"] != tc.reason) {
			t.Errorf("%v: details %+v", tc.err, apiErr.Details)
		}
		// And back: the codec reads its own error body.
		status, body := New().ErrorBody(tc.err)
		back := New().DecodeError(status, body)
		want := tc.err.Code
		if tc.code == 403 {
			want = switchboard.EFORBIDDEN
		} else if tc.err.Code == switchboard.EOVERLOADED {
			want = switchboard.EUNAVAILABLE
		}
		if back.Code != want || back.Message != tc.err.Message || back.RetryAfter != tc.err.RetryAfter {
			t.Errorf("DecodeError(%d, %s) = %+v", status, body, back)
		}
	}
}
