#!/usr/bin/env python3
# Copyright 2026 The Arctic Authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An independent implementation of WireGuard's handshake, written from the whitepaper only
(https://www.wireguard.com/papers/wireguard.pdf, section 5.4), to make the test vectors that
test-tempest-noise.c and test-tempest-crypto.c check tempest-core against. It uses nothing of
tempest-core: hashlib.blake2s and hmac from Python, and X25519 (RFC 7748) and ChaCha20-Poly1305
(RFC 8439) in pure Python below. Run it with no arguments; it prints the values pasted into
the C tests. With --fuzz-seeds DIR it writes the seed corpus of fuzz-tempest-messages. It checks itself first against the RFCs' own test vectors."""

import hashlib
import hmac
import struct


# --- X25519, RFC 7748 section 5 -------------------------------------------------------------
P = 2**255 - 19
A24 = 121665


def x25519(k: bytes, u: bytes) -> bytes:
    k = bytearray(k)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    scalar = int.from_bytes(k, "little")
    x1 = int.from_bytes(u, "little") & ((1 << 255) - 1)
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    for t in reversed(range(255)):
        bit = (scalar >> t) & 1
        swap ^= bit
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = (x2 + z2) % P, (x2 - z2) % P
        aa, bb = a * a % P, b * b % P
        e = (aa - bb) % P
        c, d = (x3 + z3) % P, (x3 - z3) % P
        da, cb = d * a % P, c * b % P
        x3 = (da + cb) ** 2 % P
        z3 = x1 * (da - cb) ** 2 % P
        x2 = aa * bb % P
        z2 = e * (aa + A24 * e) % P
    if swap:
        x2, x3, z2, z3 = x3, x2, z3, z2
    return (x2 * pow(z2, P - 2, P) % P).to_bytes(32, "little")


def x25519_base(k: bytes) -> bytes:
    return x25519(k, (9).to_bytes(32, "little"))


# --- ChaCha20-Poly1305, RFC 8439 sections 2.3, 2.5, 2.8 ---------------------------------------
def _rotl(v, n):
    return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))


def _quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    w = state[:]
    for _ in range(10):
        _quarter(w, 0, 4, 8, 12); _quarter(w, 1, 5, 9, 13)
        _quarter(w, 2, 6, 10, 14); _quarter(w, 3, 7, 11, 15)
        _quarter(w, 0, 5, 10, 15); _quarter(w, 1, 6, 11, 12)
        _quarter(w, 2, 7, 8, 13); _quarter(w, 3, 4, 9, 14)
    return struct.pack("<16I", *[(w[i] + state[i]) & 0xFFFFFFFF for i in range(16)])


def chacha20_xor(key, counter, nonce, data):
    out = bytearray()
    for i in range(0, len(data), 64):
        block = chacha20_block(key, counter + i // 64, nonce)
        out += bytes(x ^ y for x, y in zip(data[i:i + 64], block))
    return bytes(out)


def poly1305(key: bytes, msg: bytes) -> bytes:
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key[16:], "little")
    p, acc = (1 << 130) - 5, 0
    for i in range(0, len(msg), 16):
        n = int.from_bytes(msg[i:i + 16] + b"\x01", "little")
        acc = (acc + n) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def _pad16(b):
    return b"\x00" * (-len(b) % 16)


def aead_seal(key, nonce, plain, ad):
    otk = chacha20_block(key, 0, nonce)[:32]
    ct = chacha20_xor(key, 1, nonce, plain)
    mac_data = ad + _pad16(ad) + ct + _pad16(ct) + struct.pack("<QQ", len(ad), len(ct))
    return ct + poly1305(otk, mac_data)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """draft-irtf-cfrg-xchacha section 2.2: the ChaCha20 rounds without the final addition"""
    w = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    w += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        _quarter(w, 0, 4, 8, 12); _quarter(w, 1, 5, 9, 13)
        _quarter(w, 2, 6, 10, 14); _quarter(w, 3, 7, 11, 15)
        _quarter(w, 0, 5, 10, 15); _quarter(w, 1, 6, 11, 12)
        _quarter(w, 2, 7, 8, 13); _quarter(w, 3, 4, 9, 14)
    return struct.pack("<8I", *(w[0:4] + w[12:16]))


def xaead_seal(key, nonce24, plain, ad):
    return aead_seal(hchacha20(key, nonce24[:16]), b"\x00" * 4 + nonce24[16:], plain, ad)


def aead_open(key, nonce, sealed, ad):
    ct = sealed[:-16]
    if aead_seal(key, nonce, chacha20_xor(key, 1, nonce, ct), ad)[-16:] != sealed[-16:]:
        raise ValueError("tag")
    return chacha20_xor(key, 1, nonce, ct)


# --- the WireGuard primitives, whitepaper section 5.4 --------------------------------------
def HASH(x):
    return hashlib.blake2s(x).digest()


def MAC(key, x):
    return hashlib.blake2s(x, digest_size=16, key=key).digest()


def HMAC(key, x):
    return hmac.new(key, x, hashlib.blake2s).digest()


def KDF(n, key, x):
    t0 = HMAC(key, x)
    out, prev = [], b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


def AEAD(key, counter, plain, ad):
    return aead_seal(key, b"\x00" * 4 + struct.pack("<Q", counter), plain, ad)


def DH(priv, pub):
    return x25519(priv, pub)


CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"


def handshake(si_priv, sr_priv, ei_priv, er_priv, timestamp, i_index, r_index, psk):
    si_pub, sr_pub = x25519_base(si_priv), x25519_base(sr_priv)
    ei_pub, er_pub = x25519_base(ei_priv), x25519_base(er_priv)
    # initiation
    c = HASH(CONSTRUCTION)
    h = HASH(HASH(c + IDENTIFIER) + sr_pub)
    c = KDF(1, c, ei_pub)[0]
    h = HASH(h + ei_pub)
    c, k = KDF(2, c, DH(ei_priv, sr_pub))
    enc_static = AEAD(k, 0, si_pub, h)
    h = HASH(h + enc_static)
    c, k = KDF(2, c, DH(si_priv, sr_pub))
    enc_time = AEAD(k, 0, timestamp, h)
    h = HASH(h + enc_time)
    init = bytes([1, 0, 0, 0]) + struct.pack("<I", i_index) + ei_pub + enc_static + enc_time
    init += MAC(HASH(LABEL_MAC1 + sr_pub), init) + b"\x00" * 16
    # response
    c = KDF(1, c, er_pub)[0]
    h = HASH(h + er_pub)
    c = KDF(1, c, DH(er_priv, ei_pub))[0]
    c = KDF(1, c, DH(er_priv, si_pub))[0]
    c, tau, k = KDF(3, c, psk)
    h = HASH(h + tau)
    enc_nothing = AEAD(k, 0, b"", h)
    resp = bytes([2, 0, 0, 0]) + struct.pack("<II", r_index, i_index) + er_pub + enc_nothing
    resp += MAC(HASH(LABEL_MAC1 + si_pub), resp) + b"\x00" * 16
    t_send_i, t_recv_i = KDF(2, c, b"")
    data = bytes([4, 0, 0, 0]) + struct.pack("<IQ", r_index, 0)
    data += AEAD(t_send_i, 0, b"hello, tempest\x00\x00", b"")
    return init, resp, t_send_i, t_recv_i, data


LABEL_COOKIE = b"cookie--"
FIXED = dict(si_priv=bytes([0x11] * 32), sr_priv=bytes([0x22] * 32),
             ei_priv=bytes([0x33] * 32), er_priv=bytes([0x44] * 32),
             timestamp=bytes.fromhex("400000006553f100075bcd15"),
             i_index=0x01020304, r_index=0xA0B0C0D0)


def fuzz_seeds(directory):
    """The seed corpus of tests/fuzz/fuzz-tempest-messages.c, which sets up the same keys:
    valid messages of each type, then each class of malformed one"""
    import os
    init, resp, send_i, recv_i, data = handshake(psk=b"\x00" * 32, **FIXED)
    sr_pub = x25519_base(FIXED["sr_priv"])
    nonce = bytes(range(24))
    cookie = bytes([3, 0, 0, 0]) + struct.pack("<I", FIXED["i_index"]) + nonce
    cookie += xaead_seal(HASH(LABEL_COOKIE + sr_pub), nonce, bytes([0xC0] * 16), init[116:132])
    def transport(key, receiver, counter, plain):
        return (bytes([4, 0, 0, 0]) + struct.pack("<IQ", receiver, counter)
                + AEAD(key, counter, plain, b""))
    seeds = {
        "initiation": init,
        "response": resp,
        "cookie-reply": cookie,
        "transport-a-to-b": data,
        "transport-b-to-a": transport(recv_i, FIXED["i_index"], 7, bytes(range(64))),
        "keepalive": transport(send_i, FIXED["r_index"], 1, b""),
        "transport-counter-limit": transport(send_i, FIXED["r_index"], 2**64 - 2**13 - 2, b""),
        "initiation-short": init[:147],
        "initiation-long": init + b"\x00",
        "initiation-reserved": init[:2] + b"\x01" + init[3:],
        "initiation-bad-mac1": init[:116] + bytes([init[116] ^ 1]) + init[117:],
        "response-wrong-receiver": resp[:8] + b"\x00\x00\x00\x00" + resp[12:],
        "transport-short": data[:31],
        "type-5": bytes([5]) + init[1:],
    }
    os.makedirs(directory, exist_ok=True)
    for name, blob in seeds.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(blob)


def self_check():
    # RFC 7748 section 5.2, first vector, and 6.1
    k = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
    u = bytes.fromhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
    assert x25519(k, u).hex() == "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
    a = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    assert x25519_base(a).hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    # RFC 8439 section 2.8.2
    key = bytes(range(0x80, 0xA0))
    nonce = bytes.fromhex("070000004041424344454647")
    ad = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
    plain = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
             b"the future, sunscreen would be it.")
    sealed = aead_seal(key, nonce, plain, ad)
    assert sealed[-16:].hex() == "1ae10b594f09e26a7e902ecbd0600691"
    assert aead_open(key, nonce, sealed, ad) == plain
    # draft-irtf-cfrg-xchacha-03 A.3.1 (same key, plaintext and AD)
    sealed = xaead_seal(key, bytes(range(0x40, 0x58)), plain, ad)
    assert sealed[-16:].hex() == "c0875924c1c7987947deafd8780acf49"
    # RFC 7693 appendix A: BLAKE2s-256("abc")
    assert HASH(b"abc").hex() == "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"


def main():
    self_check()
    print("HASH(CONSTRUCTION)           ", HASH(CONSTRUCTION).hex())
    print("HASH(HASH(CONSTRUCTION)||ID) ", HASH(HASH(CONSTRUCTION) + IDENTIFIER).hex())
    key = bytes(range(32))
    print("HMAC(00..1f, 'tempest')      ", HMAC(key, b"tempest").hex())
    print("HMAC(00..1f, 200 x 0xaa)     ", HMAC(key, b"\xaa" * 200).hex())
    for n, out in enumerate(KDF(3, key, b"tempest"), 1):
        print("KDF3(00..1f, 'tempest')[%d]   " % n, out.hex())
    for n, out in enumerate(KDF(2, key, b""), 1):
        print("KDF2(00..1f, '')[%d]          " % n, out.hex())
    print("MAC(00..1f, 'tempest')       ", MAC(key, b"tempest").hex())
    print("MAC(00..0f, 'tempest')       ", MAC(key[:16], b"tempest").hex())
    fixed = FIXED
    for name, psk in (("no psk", b"\x00" * 32), ("psk 55..", bytes([0x55] * 32))):
        init, resp, send_i, recv_i, data = handshake(psk=psk, **fixed)
        print("--", name)
        print("initiation ", init.hex())
        print("response   ", resp.hex())
        print("T_send_i   ", send_i.hex())
        print("T_recv_i   ", recv_i.hex())
        print("data       ", data.hex())


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--fuzz-seeds":
        self_check()
        fuzz_seeds(sys.argv[2])
    else:
        main()
