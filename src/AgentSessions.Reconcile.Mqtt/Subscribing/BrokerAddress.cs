namespace AgentSessions.Reconcile.Mqtt;

/// <summary>A parsed <c>mqtt://host:port</c> or <c>mqtts://host:port</c>.</summary>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The TCP port (1883 / 8883 when not given).</param>
/// <param name="Tls">Whether to use TLS (<c>mqtts</c>).</param>
internal sealed record BrokerAddress(string Host, int Port, bool Tls)
{
    public static bool TryParse(string? text, out BrokerAddress address, out string error)
    {
        address = new BrokerAddress("127.0.0.1", 1883, false);
        error = string.Empty;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || uri.Host.Length == 0
            || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            error = $"The broker '{text}' is not mqtt://host:port or mqtts://host:port (credentials come from the environment or a password file, never the URL).";
            return false;
        }

        var tls = uri.Scheme == "mqtts";
        address = new BrokerAddress(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? (tls ? 8883 : 1883) : uri.Port, tls);
        return true;
    }

    public override string ToString() => $"{(Tls ? "mqtts" : "mqtt")}://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}";
}
