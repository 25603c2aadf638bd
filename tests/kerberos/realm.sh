# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# A throwaway MIT Kerberos realm, sourced (". tests/kerberos/realm.sh") by
# every script that needs a KDC: tests/kerberos/run.sh, apache_krb.sh run
# alone, bench/kerberos.sh and tools/demo.sh.  Nothing outside DIR is
# written or read: KRB5_CONFIG and KRB5_KDC_PROFILE are exported to point
# at DIR's own files, so the system's /etc/krb5.conf is never used.
#
#   realm_tools                  0 when MIT's KDC tools are here (adds
#                                /usr/sbin to PATH); else 1, with the
#                                missing one in realm_missing
#   realm_init DIR REALM [ENCTYPES]
#                                krb5.conf, kdc.conf (supported_enctypes
#                                ENCTYPES when given; allow_rc4 when they
#                                name arcfour) and the database; picks a
#                                free loopback port and a random password.
#                                Sets realm_dir, realm_name, realm_port,
#                                realm_pw.  1 on failure (see realm_logs)
#   realm_admin QUERY            kadmin.local on the database, output to
#                                DIR/setup.log
#   realm_addprinc NAME [OPTIONS...]
#                                a user with the password realm_pw
#   realm_addservice NAME KEYTAB [OPTIONS...]
#                                a service with random keys, written to KEYTAB
#   realm_kdc_start [PRINCIPAL]  krb5kdc -n on 127.0.0.1:realm_port, pid in
#                                realm_kdc_pid; waits (5 s at most) until
#                                MIT's kinit gets PRINCIPAL (alice) a TGT,
#                                into KRB5CCNAME as set by the caller.  1
#                                when it never answers
#   realm_start DIR REALM        realm_init, alice, realm_kdc_start
#   realm_stop                   the KDC stopped by its pid (safe to repeat)
#   realm_logs                   setup, KDC output and KDC log, indented
#   realm_free_port              a loopback TCP port nobody holds right now

realm_dir= realm_name= realm_port= realm_pw= realm_kdc_pid= realm_missing=

realm_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

realm_tools() {
    local tool
    case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH=$PATH:/usr/sbin ;; esac
    for tool in krb5kdc kdb5_util kadmin.local kinit; do
        if ! command -v "$tool" >/dev/null; then realm_missing=$tool; return 1; fi
    done
    return 0
}

realm_init() {
    local enctypes=${3:-} rc4= types=
    realm_dir=$1 realm_name=$2
    realm_port=$(realm_free_port) || return 1
    realm_pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    [[ "$enctypes" == *arcfour* ]] && rc4=$'\n    allow_rc4 = true'
    [ -n "$enctypes" ] && types=$'\n        supported_enctypes = '"$enctypes"
    mkdir -p "$realm_dir"
    export KRB5_CONFIG=$realm_dir/krb5.conf KRB5_KDC_PROFILE=$realm_dir/kdc.conf
    cat >"$KRB5_CONFIG" <<CONF
[libdefaults]
    default_realm = $realm_name
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false$rc4
    udp_preference_limit = 1
[realms]
    $realm_name = {
        kdc = 127.0.0.1:$realm_port
    }
CONF
    cat >"$KRB5_KDC_PROFILE" <<CONF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$realm_port
    kdc_tcp_listen = 127.0.0.1:$realm_port
[realms]
    $realm_name = {
        database_name = $realm_dir/principal
        key_stash_file = $realm_dir/stash
        acl_file = $realm_dir/kadm5.acl
        kdc_listen = 127.0.0.1:$realm_port
        kdc_tcp_listen = 127.0.0.1:$realm_port
        default_principal_flags = +preauth$types
    }
[logging]
    kdc = FILE:$realm_dir/kdc.log
CONF
    : >"$realm_dir/kadm5.acl"
    kdb5_util create -s -r "$realm_name" -P "$(head -c 18 /dev/urandom | base64)" >"$realm_dir/setup.log" 2>&1
}

realm_admin() {
    kadmin.local -r "$realm_name" -q "$1" >>"$realm_dir/setup.log" 2>&1
}

realm_addprinc() {
    local name=$1
    shift
    realm_admin "addprinc $* -pw $realm_pw $name"
}

realm_addservice() {
    local name=$1 keytab=$2
    shift 2
    realm_admin "addprinc $* -randkey $name" && realm_admin "ktadd -k $keytab $name"
}

realm_kdc_start() {
    local who=${1:-alice} _
    krb5kdc -n -r "$realm_name" >"$realm_dir/kdc.out" 2>&1 &
    realm_kdc_pid=$!
    # Ready once it answers: MIT's own kinit is the probe.
    for _ in $(seq 1 50); do
        kill -0 "$realm_kdc_pid" 2>/dev/null || return 1
        if echo "$realm_pw" | kinit "$who" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

realm_start() {
    realm_init "$1" "$2" && realm_addprinc alice && realm_kdc_start alice
}

realm_stop() {
    if [ -n "$realm_kdc_pid" ]; then
        kill "$realm_kdc_pid" 2>/dev/null || true
        wait "$realm_kdc_pid" 2>/dev/null || true
        realm_kdc_pid=
    fi
    return 0
}

realm_logs() {
    sed 's/^/    /' "$realm_dir/setup.log" "$realm_dir/kdc.out" "$realm_dir/kdc.log" 2>/dev/null
    return 0
}
