#!/usr/bin/python3
"""fakebus.py: D-Bus services of the tests' own, on the session bus the
test runs in (dbus-run-session), for what postern asks of a desktop:

    fakebus.py notifications LOG READY
        owns org.freedesktop.Notifications; each Notify call is appended
        to LOG as one JSON line (app, summary, body, ...).
    fakebus.py goa ACCOUNTS.json LOG READY
        owns org.gnome.OnlineAccounts with one object per account of
        ACCOUNTS.json (a list of {"id", "provider", "email", "token",
        "mail_disabled", "token_error", "token_error_name"}), each with the
        Account, Mail and OAuth2Based interfaces GNOME Online Accounts has;
        GetAccessToken calls are logged to LOG, and answered with the D-Bus
        error token_error_name (default NotAuthorized) when token_error is set.

READY is created once the name is owned. The system python3 with GLib's
introspection (python3-gi) only; it runs until killed.
"""
import json
import sys

from gi.repository import Gio, GLib

NOTIFY_XML = """<node><interface name="org.freedesktop.Notifications">
<method name="Notify"><arg type="s" direction="in"/><arg type="u" direction="in"/>
<arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="s" direction="in"/>
<arg type="as" direction="in"/><arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
<arg type="u" direction="out"/></method></interface></node>"""

GOA_XML = """<node>
<interface name="org.gnome.OnlineAccounts.Account">
 <property name="ProviderType" type="s" access="read"/>
 <property name="Identity" type="s" access="read"/>
 <property name="PresentationIdentity" type="s" access="read"/>
 <property name="MailDisabled" type="b" access="read"/>
 <property name="AttentionNeeded" type="b" access="read"/>
</interface>
<interface name="org.gnome.OnlineAccounts.Mail">
 <property name="EmailAddress" type="s" access="read"/>
 <property name="SmtpSupported" type="b" access="read"/>
</interface>
<interface name="org.gnome.OnlineAccounts.OAuth2Based">
 <property name="ClientId" type="s" access="read"/>
 <method name="GetAccessToken"><arg type="s" name="access_token" direction="out"/>
  <arg type="i" name="expires_in" direction="out"/></method>
</interface>
<interface name="org.freedesktop.DBus.ObjectManager">
 <method name="GetManagedObjects"><arg type="a{oa{sa{sv}}}" direction="out"/></method>
</interface>
</node>"""


def log(path, obj):
    with open(path, "a") as f:
        f.write(json.dumps(obj) + "\n")


def notifications(logpath, ready):
    node = Gio.DBusNodeInfo.new_for_xml(NOTIFY_XML)

    def call(conn, sender, path, iface, method, params, inv):
        app, _, icon, summary, body, _, _, _ = params.unpack()
        log(logpath, {"app": app, "icon": icon, "summary": summary, "body": body})
        inv.return_value(GLib.Variant("(u)", (1,)))

    def bus(conn, name):
        conn.register_object("/org/freedesktop/Notifications", node.interfaces[0], call, None, None)

    return "org.freedesktop.Notifications", bus


def goa(accounts_path, logpath, ready):
    node = Gio.DBusNodeInfo.new_for_xml(GOA_XML)
    ifaces = {i.name: i for i in node.interfaces}
    accounts = json.load(open(accounts_path))

    def props(a):
        return {
            "org.gnome.OnlineAccounts.Account": {
                "ProviderType": GLib.Variant("s", a["provider"]),
                "Identity": GLib.Variant("s", a["email"]),
                "PresentationIdentity": GLib.Variant("s", a["email"]),
                "MailDisabled": GLib.Variant("b", a.get("mail_disabled", False)),
                "AttentionNeeded": GLib.Variant("b", False)},
            "org.gnome.OnlineAccounts.Mail": {
                "EmailAddress": GLib.Variant("s", a["email"]),
                "SmtpSupported": GLib.Variant("b", True)},
            "org.gnome.OnlineAccounts.OAuth2Based": {
                "ClientId": GLib.Variant("s", "goa-client")}}

    def path_of(a):
        return "/org/gnome/OnlineAccounts/Accounts/" + a["id"]

    def manager_call(conn, sender, path, iface, method, params, inv):
        objs = {path_of(a): props(a) for a in accounts}
        inv.return_value(GLib.Variant("(a{oa{sa{sv}}})", (objs,)))

    def account_call(a):
        def call(conn, sender, path, iface, method, params, inv):
            log(logpath, {"method": method, "account": a["id"]})
            if a.get("token_error"):
                inv.return_dbus_error(a.get("token_error_name", "org.gnome.OnlineAccounts.Error.NotAuthorized"),
                                      a["token_error"])
                return
            inv.return_value(GLib.Variant("(si)", (a["token"], 3600)))
        return call

    def get_prop(a):
        def get(conn, sender, path, iface, prop):
            return props(a)[iface][prop]
        return get

    def bus(conn, name):
        conn.register_object("/org/gnome/OnlineAccounts", ifaces["org.freedesktop.DBus.ObjectManager"],
                             manager_call, None, None)
        for a in accounts:
            for name in ("org.gnome.OnlineAccounts.Account", "org.gnome.OnlineAccounts.Mail",
                         "org.gnome.OnlineAccounts.OAuth2Based"):
                conn.register_object(path_of(a), ifaces[name], account_call(a), get_prop(a), None)

    return "org.gnome.OnlineAccounts", bus


def main():
    kind = sys.argv[1]
    if kind == "notifications":
        name, on_bus = notifications(sys.argv[2], sys.argv[3])
        ready = sys.argv[3]
    else:
        name, on_bus = goa(sys.argv[2], sys.argv[3], sys.argv[4])
        ready = sys.argv[4]

    def acquired(conn, n):
        open(ready, "w").close()

    Gio.bus_own_name(Gio.BusType.SESSION, name, Gio.BusNameOwnerFlags.NONE, on_bus, acquired, None)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
