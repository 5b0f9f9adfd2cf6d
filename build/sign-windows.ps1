<#
.SYNOPSIS
    Sign the Clinic Desk bundle on Windows: Authenticode, SHA-256, with an RFC 3161 timestamp.

.DESCRIPTION
    Signs "Clinic Desk.exe", "clinicdesk.exe" and every DLL and Python extension in the bundle
    that does not already carry a valid signature, then checks each signature and its timestamp.
    The timestamp keeps the signatures valid after the certificate expires.

    Runs on Windows with the Windows SDK's signtool.exe. It cannot run on Linux or macOS.
    Every secret comes from the environment, none from the repository:
      CLINICDESK_WIN_CERT_PFX_BASE64   the code-signing certificate and key (.pfx), base64
      CLINICDESK_WIN_CERT_PASSWORD     its password
    or, for a certificate on a hardware token or already in the certificate store:
      CLINICDESK_WIN_CERT_THUMBPRINT   the certificate's SHA-1 thumbprint
    and optionally:
      CLINICDESK_TIMESTAMP_URL         an RFC 3161 time-stamping service
                                       (default: http://timestamp.digicert.com)

.EXAMPLE
    pwsh build/sign-windows.ps1 -Bundle build\out\dist\clinicdesk
#>
param(
    [string]$Bundle = (Join-Path $PSScriptRoot "out\dist\clinicdesk")
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

function Fail([string]$Message) {
    Write-Error "sign-windows: $Message"
    exit 1
}

if ($PSVersionTable.PSEdition -eq "Core" -and -not $IsWindows) {  # $IsWindows exists from PowerShell 6 on
    Fail "this script runs on Windows only (signtool and Authenticode are Windows tools)."
}
if (-not (Test-Path -LiteralPath $Bundle -PathType Container)) {
    Fail "no bundle at ${Bundle}: build it first with python build/release.py bundle"
}

$TimestampUrl = if ($env:CLINICDESK_TIMESTAMP_URL) { $env:CLINICDESK_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }

# signtool.exe from the newest Windows SDK on this computer.
$SignTool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
    Sort-Object { [version]($_.Directory.Parent.Name) } -Descending |
    Select-Object -First 1
if (-not $SignTool) { Fail "signtool.exe not found: install the Windows 10/11 SDK." }

$Work = Join-Path ([IO.Path]::GetTempPath()) ("clinicdesk-sign-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Work | Out-Null
try {
    if ($env:CLINICDESK_WIN_CERT_PFX_BASE64) {
        if (-not $env:CLINICDESK_WIN_CERT_PASSWORD) { Fail "CLINICDESK_WIN_CERT_PASSWORD is not set." }
        $Pfx = Join-Path $Work "signing.pfx"
        [IO.File]::WriteAllBytes($Pfx, [Convert]::FromBase64String($env:CLINICDESK_WIN_CERT_PFX_BASE64))
        $Identity = @("/f", $Pfx, "/p", $env:CLINICDESK_WIN_CERT_PASSWORD)
    } elseif ($env:CLINICDESK_WIN_CERT_THUMBPRINT) {
        $Identity = @("/sha1", $env:CLINICDESK_WIN_CERT_THUMBPRINT)
    } else {
        Fail "no certificate: set CLINICDESK_WIN_CERT_PFX_BASE64 and CLINICDESK_WIN_CERT_PASSWORD, or CLINICDESK_WIN_CERT_THUMBPRINT."
    }

    # Our executables always; libraries only when nobody has signed them yet (Python's own DLLs
    # come signed by the PSF and keep that signature).
    $Files = @(Get-ChildItem -LiteralPath $Bundle -Recurse -File -Include *.exe, *.dll, *.pyd |
        Where-Object { $_.Extension -eq ".exe" -or (Get-AuthenticodeSignature -LiteralPath $_.FullName).Status -ne "Valid" } |
        ForEach-Object { $_.FullName })
    Write-Host "sign-windows: signing $($Files.Count) files in $Bundle"

    # signtool takes many files at once; batches keep the command line short. Time-stamping
    # services are sometimes busy, so each batch is tried up to three times.
    $BatchSize = 40
    for ($Start = 0; $Start -lt $Files.Count; $Start += $BatchSize) {
        $Batch = @($Files[$Start..([Math]::Min($Start + $BatchSize, $Files.Count) - 1)])
        $Signed = $false
        for ($Attempt = 1; $Attempt -le 3 -and -not $Signed; $Attempt++) {
            & $SignTool.FullName sign /fd SHA256 /tr $TimestampUrl /td SHA256 /d "Clinic Desk" @Identity @Batch
            if ($LASTEXITCODE -eq 0) { $Signed = $true } else { Start-Sleep -Seconds (10 * $Attempt) }
        }
        if (-not $Signed) { Fail "signtool failed three times (is $TimestampUrl reachable?)." }
    }

    # Check every executable and library: a valid signature, and a timestamp on it.
    $Problems = @()
    foreach ($File in Get-ChildItem -LiteralPath $Bundle -Recurse -File -Include *.exe, *.dll, *.pyd) {
        $Signature = Get-AuthenticodeSignature -LiteralPath $File.FullName
        if ($Signature.Status -ne "Valid") {
            $Problems += "$($File.FullName): $($Signature.Status)"
        } elseif ($File.Extension -eq ".exe" -and -not $Signature.TimeStamperCertificate) {
            $Problems += "$($File.FullName): no timestamp"
        }
    }
    foreach ($Exe in Get-ChildItem -LiteralPath $Bundle -File -Filter *.exe) {
        & $SignTool.FullName verify /pa /v $Exe.FullName | Out-Null
        if ($LASTEXITCODE -ne 0) { $Problems += "$($Exe.FullName): signtool verify failed" }
    }
    if ($Problems.Count -gt 0) { Fail ("signatures missing or invalid:`n" + ($Problems -join "`n")) }
    Write-Host "sign-windows: every executable and library in $Bundle is signed and time-stamped."
    Write-Host "sign-windows: next: python build/release.py archive"
} finally {
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}
