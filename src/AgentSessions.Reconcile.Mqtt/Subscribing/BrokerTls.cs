using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Checks the broker's certificate: a chain to the CA file's certificates (or the system's when no
/// file is given) and the broker's host name. Never "accept any": a failure says why in one sentence.
/// </summary>
internal sealed class BrokerTls
{
    private readonly X509Certificate2Collection? _trust;
    private readonly string? _caFile;

    public BrokerTls(string? caFile)
    {
        _caFile = caFile;
        if (caFile is not null)
        {
            _trust = Load(caFile, out var problem) ?? throw new InvalidOperationException(problem);
        }
    }

    /// <summary>Reads the CA file's certificates; <see langword="null"/> when it cannot be read or holds none.</summary>
    /// <param name="caFile">The PEM file.</param>
    /// <param name="problem">Why not, one sentence naming the file (never its content).</param>
    /// <returns>The certificates, or <see langword="null"/>.</returns>
    public static X509Certificate2Collection? Load(string caFile, out string? problem)
    {
        string text;
        try
        {
            text = File.ReadAllText(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"The broker CA file '{caFile}' could not be read: {e.Message}";
            return null;
        }

        var trust = new X509Certificate2Collection();
        try
        {
            trust.ImportFromPem(text);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            problem = $"The broker CA file '{caFile}' holds a certificate that cannot be read: {e.Message}";
            return null;
        }

        problem = trust.Count > 0 ? null
            : string.IsNullOrWhiteSpace(text) ? $"The broker CA file '{caFile}' is empty; give the PEM certificate of the CA that signed the broker's certificate."
            : text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) ? $"The broker CA file '{caFile}' holds a private key, not a CA certificate; give the CA's certificate (-----BEGIN CERTIFICATE-----), and keep the key secret."
            : $"The broker CA file '{caFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).";
        return problem is null ? trust : null;
    }

    /// <summary>Gets why the last certificate was refused, or <see langword="null"/>.</summary>
    public string? LastProblem { get; private set; }

    /// <summary>Gets a value indicating whether the broker sent a certificate since <see cref="Reset"/> (a TLS server answered).</summary>
    public bool CertificateSeen { get; private set; }

    /// <summary>Forgets the last attempt's certificate and problem (called before each connection attempt).</summary>
    public void Reset()
    {
        LastProblem = null;
        CertificateSeen = false;
    }

    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        CertificateSeen = certificate is not null;
        LastProblem = Check(certificate, errors);
        return LastProblem is null;
    }

    private string? Check(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the broker sent no TLS certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return "the broker's TLS certificate does not name the host we connected to";
        }

        if (_trust is null)
        {
            return errors == SslPolicyErrors.None
                ? null
                : "the broker's TLS certificate is not trusted by the system's CAs (give the broker's CA with --broker-ca FILE)";
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(leaf))
        {
            return null;
        }

        var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].StatusInformation.Trim() : "no chain";
        return $"the broker's TLS certificate is not signed by the CA in '{_caFile}' ({status})";
    }
}
