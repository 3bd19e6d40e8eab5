using System.Diagnostics;
using System.Text;

namespace AgentSessions.Reconcile.Hermes.Tests;

public sealed class PythonJsonTests
{
    public static TheoryData<string> Texts => new()
    {
        "plain",
        "quote \" backslash \\ slash /",
        "controls \n \r \t \b \f \u0001 \u001f \u007f",
        "ünïcödé – “quotes” 🚀 \u2028 \u2029",
        "   padded\u001c\u00a0 ",
        string.Empty,
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Object_AnyText_MatchesPythonJsonDumpsEnsureAsciiFalse(string text)
    {
        var ours = PythonJson.Object(PythonJson.Field("reason", text), PythonJson.Field("kind", null), PythonJson.Field("len", PythonJson.CodePointLength(text)));

        var python = RunPython(
            "import json,sys; t=sys.stdin.read(); sys.stdout.write(json.dumps({'reason': t, 'kind': None, 'len': len(t)}, ensure_ascii=False))",
            text);

        ours.Should().Be(python);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Strip_AnyText_MatchesPythonStrStrip(string text)
    {
        var python = RunPython("import sys; t=sys.stdin.read(); sys.stdout.write(t.strip())", text);

        PythonJson.Strip(text).Should().Be(python);
    }

    private static string RunPython(string script, string input)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(info)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(30_000).Should().BeTrue();
        return output;
    }
}
