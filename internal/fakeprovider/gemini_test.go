package fakeprovider_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"google.golang.org/genai"

	"github.com/switchboard-gov/switchboard/internal/fakeprovider"
)

func geminiClient(t *testing.T, opts fakeprovider.Options) (*genai.Client, *fakeprovider.Server) {
	t.Helper()
	s, ts := fakeprovider.Start(opts)
	t.Cleanup(ts.Close)
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: "k", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: ts.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

var gmWeather = &genai.FunctionDeclaration{
	Name: "get_weather",
	Parameters: &genai.Schema{Type: genai.TypeObject, Required: []string{"location"},
		Properties: map[string]*genai.Schema{"location": {Type: genai.TypeString}}},
}

var gmTime = &genai.FunctionDeclaration{
	Name: "get_time",
	Parameters: &genai.Schema{Type: genai.TypeObject, Required: []string{"zone", "utc"},
		Properties: map[string]*genai.Schema{"zone": {Type: genai.TypeString}, "utc": {Type: genai.TypeBoolean}}},
}

func TestGeminiText(t *testing.T) {
	c, s := geminiClient(t, fakeprovider.Options{})
	resp, err := c.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text("hello there world"),
		&genai.GenerateContentConfig{SystemInstruction: genai.NewContentFromText("be brief", "")})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Text(); got != "Simulated reply from gemini-2.5-flash (gemini): hello there world" {
		t.Fatalf("text = %q", got)
	}
	if resp.Candidates[0].FinishReason != genai.FinishReasonStop || resp.ModelVersion != "gemini-2.5-flash" || resp.ResponseID == "" {
		t.Fatalf("resp = %+v", resp)
	}
	u := resp.UsageMetadata
	if u.PromptTokenCount != 11 || u.CandidatesTokenCount != 8 || u.TotalTokenCount != 19 {
		t.Fatalf("usage = %+v", u)
	}
	r := s.Requests()[0]
	if r.Path != "/v1beta/models/gemini-2.5-flash:generateContent" || r.Header.Get("X-Goog-Api-Key") != "REDACTED" {
		t.Fatalf("request = %+v", r)
	}
}

func TestGeminiStream(t *testing.T) {
	c, _ := geminiClient(t, fakeprovider.Options{Chunks: 3})
	var text strings.Builder
	var last *genai.GenerateContentResponse
	n := 0
	for resp, err := range c.Models.GenerateContentStream(context.Background(), "gemini-2.5-flash", genai.Text("stream this please now"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(resp.Text())
		last = resp
		n++
	}
	if n != 3 || text.String() != "Simulated reply from gemini-2.5-flash (gemini): stream this please now" {
		t.Fatalf("%d chunks: %q", n, text.String())
	}
	if last.Candidates[0].FinishReason != genai.FinishReasonStop || last.UsageMetadata.PromptTokenCount != 7 || last.UsageMetadata.CandidatesTokenCount != 9 {
		t.Fatalf("last = %+v", last)
	}
}

func TestGeminiToolRoundTrip(t *testing.T) {
	c, _ := geminiClient(t, fakeprovider.Options{})
	ctx := context.Background()
	cfg := &genai.GenerateContentConfig{Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{gmWeather}}}}
	contents := genai.Text("What is the weather in Paris?")
	resp, err := c.Models.GenerateContent(ctx, "gemini-2.5-flash", contents, cfg)
	if err != nil {
		t.Fatal(err)
	}
	calls := resp.FunctionCalls()
	if len(calls) != 1 || calls[0].Name != "get_weather" || calls[0].Args["location"] != "Paris" {
		t.Fatalf("calls = %+v", calls)
	}
	if resp.Candidates[0].FinishReason != genai.FinishReasonStop {
		t.Fatalf("finish = %v", resp.Candidates[0].FinishReason)
	}
	contents = append(contents, resp.Candidates[0].Content,
		genai.NewContentFromFunctionResponse("get_weather", map[string]any{"output": "sunny, 21C"}, genai.RoleUser))
	resp, err = c.Models.GenerateContent(ctx, "gemini-2.5-flash", contents, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.Text(), "The tool returned: sunny, 21C") {
		t.Fatalf("text = %q", resp.Text())
	}
}

func TestGeminiParallelToolsStreaming(t *testing.T) {
	c, _ := geminiClient(t, fakeprovider.Options{})
	cfg := &genai.GenerateContentConfig{
		Tools:      []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{gmWeather, gmTime}}},
		ToolConfig: &genai.ToolConfig{FunctionCallingConfig: &genai.FunctionCallingConfig{Mode: genai.FunctionCallingConfigModeAny}},
	}
	var calls []*genai.FunctionCall
	for resp, err := range c.Models.GenerateContentStream(context.Background(), "gemini-2.5-flash", genai.Text("both, in parallel"), cfg) {
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, resp.FunctionCalls()...)
	}
	if len(calls) != 2 || calls[0].Name != "get_weather" || calls[1].Name != "get_time" || calls[1].Args["utc"] != true {
		b, _ := json.Marshal(calls)
		t.Fatalf("calls = %s", b)
	}
}

func TestGeminiStopReasons(t *testing.T) {
	c, _ := geminiClient(t, fakeprovider.Options{})
	ctx := context.Background()
	resp, err := c.Models.GenerateContent(ctx, "g", genai.Text("one two STOP three"), &genai.GenerateContentConfig{StopSequences: []string{"STOP"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text() != "Simulated reply from g (gemini): one two " || resp.Candidates[0].FinishReason != genai.FinishReasonStop {
		t.Fatalf("stop: %q", resp.Text())
	}
	resp, err = c.Models.GenerateContent(ctx, "g", genai.Text("one two three"), &genai.GenerateContentConfig{MaxOutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text() != "Simulated reply" || resp.Candidates[0].FinishReason != genai.FinishReasonMaxTokens {
		t.Fatalf("max tokens: %q %v", resp.Text(), resp.Candidates[0].FinishReason)
	}
	resp, err = c.Models.GenerateContent(ctx, "g", genai.Text("json please"), &genai.GenerateContentConfig{ResponseMIMEType: "application/json"})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(resp.Text()), &v); err != nil || !strings.HasPrefix(v["reply"], "Simulated") {
		t.Fatalf("json: %q", resp.Text())
	}
}

func TestGeminiFault(t *testing.T) {
	c, _ := geminiClient(t, fakeprovider.Options{})
	_, err := c.Models.GenerateContent(context.Background(), "g", genai.Text("hi [[fake:status=503]]"), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 503 || apiErr.Status != "UNAVAILABLE" {
		t.Fatalf("err = %#v", err)
	}
}

func TestGeminiWrongKey(t *testing.T) {
	_, ts := fakeprovider.Start(fakeprovider.Options{APIKeys: map[string]string{fakeprovider.Gemini: "right"}})
	defer ts.Close()
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey: "wrong", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: ts.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Models.GenerateContent(context.Background(), "g", genai.Text("hi"), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 400 || apiErr.Status != "INVALID_ARGUMENT" || len(apiErr.Details) == 0 || apiErr.Details[0]["reason"] != "API_KEY_INVALID" {
		t.Fatalf("err = %#v", err)
	}
}
