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
            try
            {
                _trust = [];
                _trust.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidOperationException($"The broker CA file '{caFile}' could not be read: {e.Message}", e);
            }

            if (_trust.Count == 0)
            {
                throw new InvalidOperationException($"The broker CA file '{caFile}' holds no PEM certificate.");
            }
        }
    }

    /// <summary>Gets why the last certificate was refused, or <see langword="null"/>.</summary>
    public string? LastProblem { get; private set; }

    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
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
