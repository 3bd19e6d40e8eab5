using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>A test CA and a broker certificate for <c>localhost</c>/127.0.0.1 signed by it, made at test time, as PEM files.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "asr-certs-" + Guid.NewGuid().ToString("N"));

    public TestCertificates()
    {
        Directory.CreateDirectory(_folder);
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=agent-sessions test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4, 5, 6, 7, 8]);

        CaFile = Write("ca.crt", ca.ExportCertificatePem());
        ServerCertFile = Write("server.crt", server.ExportCertificatePem());
        ServerKeyFile = Write("server.key", serverKey.ExportPkcs8PrivateKeyPem());
    }

    public string CaFile { get; }

    public string ServerCertFile { get; }

    public string ServerKeyFile { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}
